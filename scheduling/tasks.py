from celery import shared_task

from . import services


@shared_task(acks_late=True, time_limit=300, soft_time_limit=280)
def send_reminders() -> int:
    """Every minute: queue the reminders that have come due (24 h and 2 h before)."""
    return services.reminders_send()
