"""`python -m modelarts_provider.native ENGINE_ADDRESS`: the plugin without the console script."""

from .server import main

main()
