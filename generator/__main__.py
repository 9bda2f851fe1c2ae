"""`python -m generator` runs the factsheet command."""

import sys

from generator.cli import main

sys.exit(main())
