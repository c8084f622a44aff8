"""`python -m alwaght_ssg` runs the command line."""

import signal
import sys

try:
    from .cli import main
except KeyboardInterrupt:  # Ctrl-C while the libraries load: nothing has started yet
    print("alwaght-ssg: interrupted; nothing was written", file=sys.stderr)
    sys.exit(130)

status = main()
signal.signal(signal.SIGINT, signal.SIG_IGN)  # the work is done: a late Ctrl-C must not break the exit
sys.exit(status)
