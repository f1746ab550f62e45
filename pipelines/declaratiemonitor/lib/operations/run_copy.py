"""One run's transaction on disk: the work copy of the warehouse and the staged outputs.

begin: a fresh work copy (promotion.start) and an empty staging folder for the outputs
(publication.start). commit: the work copy becomes the warehouse (promotion.promote), then
the outputs are moved into place (publication.publish): never ahead of the warehouse.
rollback: both are thrown away; the warehouse and the outputs stay as the last good run left
them. Only while holding the warehouse lock.
"""

from pathlib import Path

from declaratiemonitor.lib.operations import promotion, publication


class RunCopy:
    def __init__(self, warehouse: Path, out: Path | None) -> None:
        self.warehouse = Path(warehouse)
        self.out = Path(out) if out else None
        self.work = promotion.work_path(self.warehouse)
        self.promoted = False
        self.published: list[str] = []

    def begin(self) -> Path:
        if self.out is not None:
            publication.start(self.out)
        try:
            return promotion.start(self.warehouse)
        except BaseException:
            self.rollback()
            raise

    @property
    def outputs(self) -> Path | None:
        """Where this run writes its outputs (None: no staging, write to OUT directly)."""
        return publication.staging_dir(self.out) if self.out is not None else None

    def commit(self) -> list[str]:
        """Promote the (closed) work copy, then publish the outputs; rollback on failure."""
        try:
            promotion.promote(self.work, self.warehouse)
        except BaseException:
            self.rollback()
            raise
        self.promoted = True
        if self.out is not None:
            try:
                self.published = publication.publish(self.out)
            finally:  # a move that failed: what is left belongs to no warehouse
                publication.discard(self.out)
        return self.published

    def rollback(self) -> None:
        promotion.discard(self.work)
        if self.out is not None:
            publication.discard(self.out)
