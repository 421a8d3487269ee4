from celery import shared_task

from . import services


@shared_task(acks_late=True, time_limit=600, soft_time_limit=580)
def end_expired_plans() -> int:
    """Nightly: monitoring plans past their end date are marked ended."""
    return services.plans_end_expired()
