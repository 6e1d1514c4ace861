# A checkpoint: the number of scenes is known only once it has run.
checkpoint storyboard:
    input:
        brief="results/{slug}/brief.json",
        research="results/{slug}/research.json",
        outline="results/{slug}/outline.json",
        script="results/{slug}/script.json",
        prompt="prompts/storyboard.j2",
    output:
        storyboard="results/{slug}/storyboard.json",
        scenes=directory("results/{slug}/scenes"),
        prompt="results/{slug}/storyboard.prompt.md",
        provenance="results/{slug}/storyboard.provenance.json",
    params:
        settings=settings_for("storyboard"),
    resources:
        model=1,
    conda:
        "../envs/showrunner.yaml"
    log:
        "logs/storyboard/{slug}.log",
    benchmark:
        "benchmarks/storyboard/{slug}.tsv"
    script:
        "../scripts/storyboard.py"
