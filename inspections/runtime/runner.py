"""Each inspection evaluated once per image: the first one asked for evaluates its image's
pending batch with it, in threads, under the timeout (see `evaluation`).

An inspection outside its image's batch (it takes fixtures of its own) is evaluated alone,
with the values its item was given.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence

from inspections.runtime.cache import ValueCache
from inspections.runtime.engine import ResolvedImage
from inspections.runtime.evaluation import ArgumentSource, Evaluation, Inspection, evaluate_all
from inspections.runtime.resources import ImageResources


class InspectionRunner:
    """Batches of inspections per image, and the evaluations made so far."""

    def __init__(self, resources: ImageResources, cache: ValueCache | None, timeout: float) -> None:
        self._resources = resources
        self._cache = cache
        self._timeout = timeout
        self._batches: Mapping[str, Sequence[Inspection]] = {}
        self._evaluations: dict[str, dict[str, Evaluation]] = {}

    def batch(self, batches: Mapping[str, Sequence[Inspection]]) -> None:
        """Per image, the inspections to evaluate together, in order."""
        self._batches = batches

    def evaluation(
        self, image: ResolvedImage, inspection: Inspection, own_arguments: ArgumentSource
    ) -> Evaluation:
        """`inspection`'s outcome on `image`, evaluated with the image's pending batch first;
        `own_arguments`: its item's fixture values, for an inspection outside the batch."""
        outcomes = self._evaluations.setdefault(image.name, {})
        if inspection.key not in outcomes:
            batch = [
                pending
                for pending in self._batches.get(image.name, [])
                if pending.key not in outcomes
            ]
            argument: ArgumentSource = functools.partial(self._resources.argument, image)
            if not any(pending.key == inspection.key for pending in batch):
                batch, argument = [inspection], own_arguments
            outcomes.update(
                evaluate_all(
                    batch,
                    image.id,
                    argument,
                    self._cache,
                    self._timeout,
                    on_timeout=functools.partial(self._stop, image.name),
                )
            )
        return outcomes[inspection.key]

    def _stop(self, image: str, culprit: Inspection) -> None:
        """Remove `image`'s container because `culprit` timed out; later commands say so."""
        self._resources.stop(
            image,
            f"stopped because {culprit.name} timed out after {self._timeout:g} s "
            "(the container was removed)",
        )
