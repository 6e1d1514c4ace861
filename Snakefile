# showrunner: source material in, reviewed episodes out. See README.md and ../shared/DESIGN.md.
from snakemake.utils import min_version

from showrunner.startup import read_origins

min_version("9.0")

# Read before Snakemake does: a YAML error names its own file and line, and every later message
# names the file (config.yaml, a --configfile, or --config) that holds the bad value.
ORIGINS = read_origins(workflow)


configfile: "config.yaml"


report: "report/workflow.rst"


include: "rules/common.smk"
include: "rules/brief.smk"
include: "rules/research.smk"
include: "rules/outline.smk"
include: "rules/script.smk"
include: "rules/storyboard.smk"
include: "rules/scene.smk"
include: "rules/episode_audio.smk"
include: "rules/captions.smk"
include: "rules/final.smk"
include: "rules/podcast.smk"
include: "rules/show_notes.smk"
include: "rules/transcript.smk"
include: "rules/acceptance.smk"
include: "rules/show_memory.smk"
include: "rules/report.smk"


rule all:
    input:
        get_default_targets,
    default_target: True
