"""Research from the sources: every source sentence becomes a Fact with a salience score (TF-IDF,
position, heading overlap, length); code blocks and tables become CodeSamples, shown on screen and described;
sentences under secondary headings (installation, licence, contributing) score lower.
"""

from __future__ import annotations

import re

from showrunner.artifacts import Brief, CodeSample, Fact, Research
from showrunner.errors import ConfigError
from showrunner.writing import sentences as sent
from showrunner.writing import speakable as spk
from showrunner.writing.sentences import Candidate, content_stems, split_sentences, word_count

SECTION_SEPARATOR = " > "
MAX_FACTS = 400
SECONDARY_WEIGHT = 0.5
MAIN_WEIGHT = 1.3
ASIDE_WEIGHT = 0.4
# about the project or the document rather than the subject: a README's install and build steps, a
# spec's boilerplate (status, copyright, IANA, addresses), a paper's related work, references, appendices
_SECONDARY = re.compile(r"\b(install\w*|setup|set up|getting started|requirements|prerequisites|contribut\w*|"
                        r"licen[cs]e\w*|change ?log|release notes|credits|acknowledg\w*|sponsors?|authors?|maintainers|"
                        r"code of conduct|citation|citing|badges?|community|support us|donat\w*|"
                        r"building|build from source|development|compil\w+|running tests|testing|tests|vulnerabilit\w*|"
                        r"reporting (?:a )?(?:security|bugs?)|translations?|related (?:tools|projects|work)|"
                        r"see also|further reading|references?|bibliography|appendix|appendices|"
                        r"status of this memo|copyright|intellectual property|iana considerations|"
                        r"author'?s'? addresses|contact|table of contents|conventions used|requirements language|"
                        r"funding|conflicts? of interest|supplementary|availability|documentation quick links|"
                        r"screenshots?|faq|frequently asked)\b", re.I)
# the substance: what a spec's format is, a paper's problem, idea, method and results, what a tool does,
# why and how it compares
_MAIN = re.compile(r"\b(abstract|introduction|overview|about|motivation|problem|background|design|approach|method\w*|"
                   r"algorithm|architecture|how it works|how \w+ works|implementation|evaluation|results?|"
                   r"experiments?|findings|conclusions?|discussion|summary|features?|why\b|compar\w+|vs\.?|"
                   r"benchmarks?|performance|usage|format|syntax|fields?|header|message|packet|structure|encoding|"
                   r"semantics|protocol|operation|specification|definitions?|terminology|what is)", re.I)
# a sentence about the document itself, or a plea, not about the subject
_ASIDE = re.compile(r"\b(?:in|this|the (?:previous|next|following)) (?:section|chapter|post|article|document|guide|"
                    r"readme|page|tutorial)\b|\bwe(?:'ll| will) (?:move|look|see|discuss|cover|now)\b|"
                    r"\bas (?:we|mentioned|discussed|noted) (?:saw|above|earlier|before)\b|"
                    r"\b(?:please )?file a bug\b|\bpull requests? (?:are )?welcome\b|\b(?:dual-)?licen[cs]ed under\b",
                    re.I)


def is_main(section: str) -> bool:
    """A section about the subject's substance (a spec's fields and rules, a paper's method and
    results, what a tool does and how it compares): its points come first when room is short."""
    heading = section.split(SECTION_SEPARATOR)[-1]
    return bool(_MAIN.search(heading)) and not is_secondary(section)


_BOILERPLATE = re.compile(r"\b(acknowledg\w*|references|bibliography|copyright|intellectual property|"
                          r"status of this memo|author'?s'? address(?:es)?|iana considerations|funding|"
                          r"conflicts? of interest)\b", re.I)


def is_boilerplate(section: str) -> bool:
    """A section no episode says anything from: thanks, references, copyright, addresses."""
    return bool(_BOILERPLATE.search(section.split(SECTION_SEPARATOR)[-1]))


def is_back_matter(brief: Brief, facts: list[Fact]) -> bool:
    """Whether facts all come from a source's back matter (appendices after the conclusion, acknowledgements:
    its reader marks them `last`), whatever their heading says ("B More Help for the Hardy")."""
    last = {(d.path, k) for d in brief.sources for k, b in enumerate(d.blocks) if b.last}
    return bool(facts) and all((f.source, f.block) in last for f in facts)


def is_secondary(section: str) -> bool:
    """A section about the project rather than the subject: installing it, its licence, how to
    contribute. Its points come after the main ones, and only when there is room."""
    return bool(_SECONDARY.search(section.split(SECTION_SEPARATOR, 1)[-1]))


_FINISHED = re.compile(r"[.!?:;][\"')\]\u201d\u2019]*$")


def _interrupted(blocks: list, index: int, sentence: int, count: int) -> bool:
    """Whether a paragraph's sentence is half of one a code block interrupts ("... the number of times the
    sequence" [code] "shows up."): the last, unfinished, before the code, or the first after it, when that opens in
    lower case. Neither half says anything alone."""
    text = blocks[index].text.strip()
    before = index > 0 and blocks[index - 1].kind == "code"
    after = index + 1 < len(blocks) and blocks[index + 1].kind == "code"
    if sentence == count - 1 and after and not _FINISHED.search(text):
        return True
    return sentence == 0 and before and text[:1].islower()


def build_research(brief: Brief) -> Research:
    candidates: list[Candidate] = []
    code_samples: list[CodeSample] = []
    last_blocks: set[tuple[str, int]] = set()  # back matter (appendices, acknowledgements): (source, block)
    for doc in brief.sources:
        h1s = [b for b in doc.blocks if b.kind == "heading" and (b.level or 1) == 1]
        root_is_h1 = len(h1s) == 1 and doc.blocks[0].kind == "heading" and (doc.blocks[0].level or 1) == 1
        path: list[tuple[int, str]] = [] if root_is_h1 else [(0, doc.title)]
        block_in_section = 0
        for block_index, block in enumerate(doc.blocks):
            if block.kind == "heading":
                level = block.level or 1
                path = [p for p in path if p[0] < level] + [(level, block.text)]
                block_in_section = 0
                continue
            section = SECTION_SEPARATOR.join(text for _, text in path) or doc.title
            heading = path[-1][1] if path else doc.title

            said: list[tuple[str, int, str, str]] = []  # (sentence, its index in the block, kind, location)
            if block.kind == "figure":
                continue  # a figure (its caption) is shown on screen, never read as narration
            if block.last:
                last_blocks.add((doc.path, block_index))
            if block.kind == "code":
                code_samples.append(CodeSample(section=section, language=block.language, code=block.text,
                                               source=doc.path, location=block.location))
            elif block.kind == "table":
                # a table is shown on screen and described, never read out row by row
                code_samples.append(CodeSample(section=section, language="table", code=spk.aligned_table(block.text),
                                               source=doc.path, location=block.location))
            elif block.kind == "list":  # each item's sentences share its location: "line 12, item 3"
                for k, item in enumerate(block.items or block.text.splitlines()):
                    said += [(spk.tidy(sentence), k + j, "list", f"{block.location}, item {k + 1}")
                             for j, sentence in enumerate(split_sentences(item))]
            else:
                sentences = split_sentences(block.text)
                n = len(sentences)
                whole = [k for k in range(n)
                         if not (block.kind == "paragraph" and _interrupted(doc.blocks, block_index, k, n))]
                said += [(sentences[k], k, block.kind, block.location) for k in whole]
            for text, index, kind, location in said:
                text = " ".join(text.split())
                if word_count(text) < 3 or len(set(content_stems(text))) < 2:  # too little to say anything
                    continue
                candidates.append(Candidate(text=text, section=section, heading=heading, source=doc.path,
                                            location=location, sentence_in_block=index,
                                            block_in_section=block_in_section, kind=kind, block=block_index))
            block_in_section += 1
    if not candidates:
        raise ConfigError(f"{', '.join(d.path for d in brief.sources)}: no sentences to work from "
                          "(the sources hold only headings or code)")
    sent.score_candidates(candidates, brief.title)
    for c in candidates:  # install steps, licences, contributing notes: after the main points
        if is_secondary(c.section) or (c.source, c.block) in last_blocks:
            c.score = round(c.score * SECONDARY_WEIGHT, 4)
        elif is_main(c.section) or SECTION_SEPARATOR not in c.section:  # the opening says what it is
            c.score = round(min(1.0, c.score * MAIN_WEIGHT), 4)
        if _ASIDE.search(c.text):  # "In the previous section, we ...", "Please file a bug report!"
            c.score = round(c.score * ASIDE_WEIGHT, 4)
    if len(candidates) > MAX_FACTS:
        keep = set(sorted(range(len(candidates)), key=lambda i: (-candidates[i].score, i))[:MAX_FACTS])
        candidates = [c for i, c in enumerate(candidates) if i in keep]
    facts = [Fact(id=f"f{i}", text=c.text, section=c.section, source=c.source, location=c.location,
                  score=c.score, kind=c.kind, block=c.block) for i, c in enumerate(candidates, start=1)]
    return Research(slug=brief.slug, facts=facts, code_samples=code_samples)
