"""In-process signals of the case file (Django signals, sent inside the writing transaction)."""

from django.dispatch import Signal

# Sent after a change that may change the feedback partners see on the signals of one case
# (pick-up, instrument, closing, a signal moved): ``case_id`` and/or ``signal_ids``. Receivers
# run in the same transaction, so what they write (the webhooks' outbox) commits with the change
# or not at all. Apps above cases listen; cases imports none of them.
feedback_may_have_changed = Signal()
