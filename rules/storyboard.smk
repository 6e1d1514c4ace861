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


# The scene critic: each scene (narration against its picture, length) and the scenes together
# (repeats, order, opening and close), scored with reasons. It reports; it does not stop the build.
rule storyboard_review:
    input:
        brief="results/{slug}/brief.json",
        outline="results/{slug}/outline.json",
        storyboard="results/{slug}/storyboard.json",
        scenes="results/{slug}/scenes",
        prompt="prompts/storyboard_critic.j2",
    output:
        review="results/{slug}/storyboard.review.json",
        prompt="results/{slug}/storyboard_critic.prompt.md",
        provenance="results/{slug}/storyboard_review.provenance.json",
    params:
        settings=settings_for("storyboard_review"),
    resources:
        model=1,
    conda:
        "../envs/showrunner.yaml"
    log:
        "logs/storyboard_review/{slug}.log",
    benchmark:
        "benchmarks/storyboard_review/{slug}.tsv"
    script:
        "../scripts/storyboard_review.py"
