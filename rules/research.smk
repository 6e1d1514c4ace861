rule research:
    input:
        brief="results/{slug}/brief.json",
        prompt="prompts/research.j2",
    output:
        research="results/{slug}/research.json",
        prompt="results/{slug}/research.prompt.md",
        provenance="results/{slug}/research.provenance.json",
    params:
        settings=settings_for("research"),
    resources:
        model=1,
    log:
        "logs/research/{slug}.log",
    benchmark:
        "benchmarks/research/{slug}.tsv"
    script:
        "../scripts/research.py"
