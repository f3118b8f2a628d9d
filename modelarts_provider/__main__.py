import sys

from .tools.cli import run

sys.exit(run())
