from celery import shared_task

from . import services


@shared_task(acks_late=True, time_limit=300, soft_time_limit=280)
def send_reminders() -> int:
    """Every minute: queue the reminders that have come due (24 h and 2 h before)."""
    return services.reminders_send()


@shared_task(acks_late=True, time_limit=1800, soft_time_limit=1750)
def extend_slots() -> int:
    """Every few hours: every valid schedule has its slots up to the booking horizon."""
    return services.slots_extend()
