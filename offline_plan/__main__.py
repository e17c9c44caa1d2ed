"""Entry point of ``python -m offline_plan``.

Two exits are made quiet on purpose. ``| head`` closing stdout early ends the plan without a
traceback about the pipe (Python docs, "Note on SIGPIPE"). And once the output is flushed the
process leaves with ``os._exit``: Pulumi's mock monitor creates an event loop in each worker
thread it answers on and never closes them, and their finalizers, run during interpreter
teardown, sometimes print a spurious ``Invalid file descriptor`` traceback after a good plan.
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
sys.stderr.flush()
os._exit(code)
