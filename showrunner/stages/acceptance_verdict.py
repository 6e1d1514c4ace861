"""acceptance_verdict: fails when acceptance.json holds a failed hard check (the report itself stays).

The measuring and the verdict live in showrunner.stages.acceptance; this module gives the rule its
stage name and its (empty) READS: the verdict reads only acceptance.json and the scene critic's report.
"""

from showrunner.stages.acceptance import verdict as run

# The settings it reads: its rule's params (showrunner/reads.py)
READS: tuple[str, ...] = ()

__all__ = ["READS", "run"]
