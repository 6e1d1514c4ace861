rule outline:
    input:
        brief="results/{slug}/brief.json",
        research="results/{slug}/research.json",
        prompt="prompts/outline.j2",
        feedback=get_feedback,
    output:
        outline="results/{slug}/outline.json",
        markdown="results/{slug}/outline.md",
        prompt="results/{slug}/outline.prompt.md",
        provenance="results/{slug}/outline.provenance.json",
    params:
        settings=settings_for("outline"),
    resources:
        model=1,
    conda:
        "../envs/showrunner.yaml"
    log:
        "logs/outline/{slug}.log",
    benchmark:
        "benchmarks/outline/{slug}.tsv"
    script:
        "../scripts/outline.py"


# The gate: writes approved.flag under `approval: auto` or once `showrunner approve` recorded
# this very outline; otherwise stops, naming the file to review and the command to approve.
rule approval_gate:
    input:
        outline="results/{slug}/outline.json",
        markdown="results/{slug}/outline.md",
    output:
        flag="results/{slug}/approved.flag",
    params:
        settings=settings_for("approval_gate"),
    conda:
        "../envs/showrunner.yaml"
    log:
        "logs/approval_gate/{slug}.log",
    script:
        "../scripts/approval_gate.py"
