"""`python -m skills_evidence` runs the command line."""

from skills_evidence.cli import main

main()
