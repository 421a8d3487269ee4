from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render

from .forms import OutboxFilterForm
from .selectors import outbox_page

PAGE_SIZE = 50


@login_required
@permission_required("integrations.view_outbox", raise_exception=True)
def outbox_list(request):
    form = OutboxFilterForm(request.GET or None)
    messages = []
    if not form.is_bound or form.is_valid():  # with bad filters the form says what is wrong, nothing is queried
        filters = form.cleaned_data if form.is_bound else {}
        messages = outbox_page(
            status=filters.get("status", ""),
            channel=filters.get("channel", ""),
            before_id=filters.get("before"),
            size=PAGE_SIZE,
        )
    next_before = messages[-1].pk if len(messages) == PAGE_SIZE else None
    return render(
        request, "integrations/outbox_list.html", {"form": form, "messages_page": messages, "next_before": next_before}
    )
