"""`python -m alwaght_ssg` runs the command line."""

import sys

from .console import main

sys.exit(main())
