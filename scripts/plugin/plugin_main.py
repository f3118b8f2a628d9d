"""Start the plugin; a missing dependency is one clear line instead of a traceback."""

import sys

try:
    from modelarts_provider.native.server import main
except ImportError as exc:
    sys.stderr.write(
        f"pulumi-resource-modelarts: cannot import {exc.name!r} with {sys.executable}; install the "
        "plugin's requirements there (requirements.txt next to the plugin), or unset PULUMI_MODELARTS_PYTHON "
        "to let the plugin install them into its own virtualenv\n"
    )
    sys.exit(1)
main()
