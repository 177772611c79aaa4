"""Benchmark `ptmx browse` headless: launch to first interactive frame, keystroke to result.

    .venv/bin/python benchmarks/tui_bench.py [--data DIR] [--runs N]

*Launch* is measured from creating the app (the store is already open; opening it is timed on
its own) to the first frame that shows the models table filled. *Keystroke to result* is, for
each character typed into the search box (one at a time, as a person types), the time from the
key event to the first frame showing that text's results. Frames are caught by wrapping the
screen's compositor refresh, so the figures include rendering, not only the query.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from textual import events

from ptmx.config import bundled_data_dir
from ptmx.store import count_models, open_store, search_models
from ptmx.tui.app import PtmxApp
from ptmx.tui.screens.models import ModelsScreen

WORDS = ["bert", "llama", "resnet", "whisper", "gpt2", "t5-small", "stable-diffusion", "xlm"]
SIZE = (100, 30)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def summary(samples: list[float]) -> str:
    samples = sorted(samples)
    p90 = samples[min(len(samples) - 1, int(len(samples) * 0.9))]
    return (f"median {ms(statistics.median(samples))}, p90 {ms(p90)}, max {ms(samples[-1])} "
            f"(n={len(samples)})")


class FrameClock:
    """Records when the current screen paints a frame."""

    def __init__(self, app: PtmxApp) -> None:
        self.app = app
        self.frames: list[float] = []
        self.screen = None

    def watch(self) -> None:
        screen = self.app.screen
        if screen is self.screen:
            return
        self.screen = screen
        original = screen._compositor_refresh

        def refresh() -> None:
            original()
            self.frames.append(time.perf_counter())

        screen._compositor_refresh = refresh  # type: ignore[method-assign]

    def first_after(self, moment: float) -> float | None:
        return next((t for t in self.frames if t >= moment), None)


async def wait_for(predicate, timeout: float = 30.0) -> None:
    deadline = time.perf_counter() + timeout
    while not predicate():
        if time.perf_counter() > deadline:
            raise TimeoutError("the app did not answer in time")
        await asyncio.sleep(0.0005)


async def launch(store) -> float:
    """Seconds from creating the app to the first frame with the models table filled."""
    started = time.perf_counter()
    app = PtmxApp(store)
    clock = FrameClock(app)
    async with app.run_test(size=SIZE):
        await wait_for(lambda: isinstance(app.screen, ModelsScreen))
        clock.watch()
        screen = app.screen
        await wait_for(lambda: screen.shown is not None)
        await wait_for(lambda: clock.first_after(screen.shown_at) is not None)
        return clock.first_after(screen.shown_at) - started


async def typing(store, gap: float) -> list[float]:
    """Keystroke-to-frame latency for every character of WORDS, typed ``gap`` s apart."""
    app = PtmxApp(store)
    clock = FrameClock(app)
    latencies: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(lambda: isinstance(app.screen, ModelsScreen))
        screen = app.screen
        clock.watch()
        await wait_for(lambda: screen.shown is not None)
        await pilot.pause(0.5)
        for word in WORDS:
            screen.query_one("#search").value = ""
            await wait_for(lambda: screen.shown is not None and screen.shown.text == "")
            await asyncio.sleep(gap)
            for i, char in enumerate(word):
                text = word[: i + 1]
                pressed = time.perf_counter()
                app._driver.send_message(events.Key(char, char))
                await wait_for(lambda t=text: screen.shown is not None and screen.shown.text == t)
                await wait_for(lambda: clock.first_after(screen.shown_at) is not None)
                latencies.append(clock.first_after(screen.shown_at) - pressed)
                await asyncio.sleep(gap)
    return latencies


def store_side(store) -> list[float]:
    """The query alone (first page + count), per prefix, for comparison."""
    samples = []
    for word in WORDS:
        for i in range(len(word)):
            started = time.perf_counter()
            search_models(store, word[: i + 1], limit=200)
            count_models(store, word[: i + 1])
            samples.append(time.perf_counter() - started)
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=bundled_data_dir(),
                        help="dataset folder (default: the bundled sample)")
    parser.add_argument("--runs", type=int, default=5, help="launches to time (default 5)")
    parser.add_argument("--gap", type=float, default=0.12,
                        help="seconds between keystrokes (default 0.12, a fast typist)")
    parser.add_argument("--json", action="store_true",
                        help="print the raw seconds as JSON (for benchmarks/run.py)")
    args = parser.parse_args()
    if args.json:
        store = open_store(args.data)
        launches = [asyncio.run(launch(store)) for _ in range(args.runs)]
        keys = asyncio.run(typing(store, args.gap))
        print(json.dumps({"tui_launch": launches, "tui_search_keystroke": keys}))
        return 0

    started = time.perf_counter()
    store = open_store(args.data)
    opened = time.perf_counter() - started
    models = store.row_counts.get("model", 0)
    print(f"dataset: {args.data} ({models:,} models)")
    print(f"open store: {ms(opened)}")
    launches = [asyncio.run(launch(store)) for _ in range(args.runs)]
    print(f"launch to first interactive frame: {summary(launches)}")
    print(f"search query alone (page + count): {summary(store_side(store))}")
    print(f"keystroke to result on screen: {summary(asyncio.run(typing(store, args.gap)))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
