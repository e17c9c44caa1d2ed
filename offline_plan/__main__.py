"""Entry point of ``python -m offline_plan``.

``| head`` closes stdout early; that ends the plan quietly (Python docs, "Note on SIGPIPE")
instead of with a traceback about a pipe.
"""

import os
import sys

from offline_plan.cli import main

try:
    code = main()
    sys.stdout.flush()
except BrokenPipeError:
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    code = 1
sys.exit(code)
