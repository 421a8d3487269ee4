from celery import shared_task

from . import notifications, services


@shared_task(acks_late=True, time_limit=300, soft_time_limit=280)
def send_reminders() -> int:
    """Every minute: queue the reminders that have come due (24 h and 2 h before)."""
    return services.reminders_send()


@shared_task(acks_late=True, time_limit=1800, soft_time_limit=1750)
def extend_slots() -> int:
    """Every few hours: every valid schedule has its slots up to the booking horizon."""
    return services.slots_extend()


@shared_task(acks_late=True, ignore_result=True, time_limit=120, soft_time_limit=100)
def notify_change(history_id: int) -> None:
    """Tell everyone of one appointment change (booked, moved, cancelled); a repeat does nothing."""
    notifications.notify(history_id)


@shared_task(acks_late=True, time_limit=600, soft_time_limit=580)
def notify_pending() -> int:
    """Every minute: the changes whose notify_change never ran."""
    return notifications.notify_pending()
