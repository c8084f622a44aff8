"""Build this repository's own site (the example newsroom) into public/.

python build.py [build options]     # same options as `alwaght-ssg build`
"""

import sys
from pathlib import Path

from alwaght_ssg.console import build_main

if __name__ == "__main__":
    sys.exit(build_main(Path(__file__).resolve().parent))
