"""An income-administration adapter for the killed-worker test, importable by a worker process."""

from __future__ import annotations

import os
import threading

from meldpunt.registries.income import FileIncomeAdministration, Instruction


class BlockingFileIncomeAdministration(FileIncomeAdministration):
    """Writes the instruction like the file adapter, then (when told to) says so and blocks for
    ever, so the test can kill the worker after delivery but before it was recorded."""

    def deliver(self, instruction: Instruction) -> str:
        batch = super().deliver(instruction)
        if os.environ.get("MELDPUNT_TEST_DELIVER_BLOCK") == "1":
            print("DELIVERED", flush=True)
            threading.Event().wait()
        return batch
