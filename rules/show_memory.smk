# What a finished episode covered, for the briefs of later episodes. One file per episode, written
# atomically, so episodes building in parallel never race on a shared file.
rule show_memory:
    input:
        outline="results/{slug}/outline.json",
        acceptance="results/{slug}/acceptance.json",
    output:
        memory="results/show/episodes/{slug}.json",
    params:
        settings=settings_for("show_memory"),
    conda:
        "../envs/showrunner.yaml"
    log:
        "logs/show_memory/{slug}.log",
    script:
        "../scripts/show_memory.py"
