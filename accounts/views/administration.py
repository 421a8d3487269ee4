"""Administration of users and roles (DSM80-22.1–22.8) for the administrator role."""

import datetime
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from mis.pages import form_errors

from .. import selectors, services
from ..forms import (
    BanForm,
    ExceptionFormSet,
    RoleAssignForm,
    RoleDeleteForm,
    RoleForm,
    UserCreateForm,
    UserFilterForm,
    UserForm,
    WeeklyFormSet,
    WorkingHoursRestrictionForm,
)
from ..models import RoleAssignment, RoleProfile
from ..permissions import administered_organisations, can_manage_roles, can_manage_users, users_visible_to
from .common import posted

INITIAL_PASSWORD_SESSION_KEY = "accounts_initial_password"  # noqa: S105 - a session key, not a password


def _requires(check):
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not check(request.user):
                raise PermissionDenied(_("Your roles do not allow this page."))
            return view(request, *args, **kwargs)

        return never_cache(wrapped)

    return decorator


manage_users = _requires(can_manage_users)
manage_roles = _requires(can_manage_roles)


def _managed_user(request, uuid):
    return get_object_or_404(users_visible_to(request.user).select_related("organisation"), uuid=uuid)


# --- Users ------------------------------------------------------------------------------------------
@manage_users
def user_list(request):
    form = UserFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    users = selectors.user_list(
        request.user, q=filters.get("q", ""), role=filters.get("role"), status=filters.get("status", "")
    )
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/admin/user_list.html", {"form": form, "page": page})


@manage_users
def user_create(request):
    organisations = administered_organisations(request.user)
    form = UserCreateForm(posted(request), organisations=organisations)
    if request.method == "POST" and form.is_valid():
        organisation, department, site = form.cleaned_data["unit"]
        fields = {name: form.cleaned_data[name] for name in UserForm.Meta.fields}
        try:
            user, password = services.user_create(
                actor=request.user,
                organisation=organisation,
                department=department,
                site=site,
                roles=form.cleaned_data["roles"],
                **fields,
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            request.session[INITIAL_PASSWORD_SESSION_KEY] = {"user": str(user.uuid), "password": password}
            messages.success(request, _("The user has been created."))
            return redirect("accounts:user_detail", uuid=user.uuid)
    return render(request, "accounts/admin/user_form.html", {"form": form, "creating": True})


@manage_users
def user_detail(request, uuid):
    user = _managed_user(request, uuid)
    form = UserForm(posted(request), instance=user)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in UserForm.Meta.fields}
        user.refresh_from_db()  # the form wrote the typed values onto the instance
        try:
            services.user_update(actor=request.user, user=user, **fields)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect("accounts:user_detail", uuid=user.uuid)
    shown = request.session.get(INITIAL_PASSWORD_SESSION_KEY)
    initial_password = None
    if shown and shown.get("user") == str(user.uuid):
        initial_password = request.session.pop(INITIAL_PASSWORD_SESSION_KEY)["password"]
    return render(
        request,
        "accounts/admin/user_detail.html",
        {
            "subject": user,
            "form": form,
            "initial_password": initial_password,
            "role_assignments": selectors.user_role_assignments(request.user, user),
            "recent_events": user.security_events.order_by("-created_at", "-id")[:10],
        },
    )


@manage_users
def user_roles(request, uuid):
    user = _managed_user(request, uuid)
    form = RoleAssignForm(posted(request), organisations=administered_organisations(request.user))
    if request.method == "POST" and form.is_valid():
        organisation, department, site = form.cleaned_data["unit"]
        try:
            services.role_assign(
                actor=request.user,
                user=user,
                role=form.cleaned_data["role"],
                organisation=organisation,
                department=department,
                site=site,
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The role has been given."))
            return redirect("accounts:user_roles", uuid=user.uuid)
    return render(
        request,
        "accounts/admin/user_roles.html",
        {
            "subject": user,
            "form": form,
            "role_assignments": selectors.user_role_assignments(request.user, user),
        },
    )


@manage_users
def user_role_remove(request, uuid, assignment_uuid):
    user = _managed_user(request, uuid)
    managed = [organisation.pk for organisation in administered_organisations(request.user)]
    assignment = get_object_or_404(
        RoleAssignment.objects.select_related("role", "organisation"),
        user=user,
        uuid=assignment_uuid,
        organisation_id__in=managed,
    )
    error = None
    if request.method == "POST":
        try:
            services.role_unassign(actor=request.user, assignment=assignment)
        except ValidationError as refusal:
            error = refusal.messages[0]
        else:
            messages.success(request, _("The role has been removed."))
            return redirect("accounts:user_roles", uuid=user.uuid)
    return render(
        request,
        "accounts/admin/confirm.html",
        {
            "subject": user,
            "error": error,
            "danger": True,
            "title": _("Remove a role"),
            "question": _("Remove the role %(role)s in %(unit)s from %(user)s?")
            % {
                "role": assignment.role.name,
                "unit": assignment.site or assignment.department or assignment.organisation,
                "user": user.get_full_name() or user.get_username(),
            },
            "button": _("Remove the role"),
        },
        status=400 if error else 200,
    )


def _weekly_initial(user):
    return [{"weekday": w.weekday, "start": w.start, "end": w.end} for w in user.working_hours.all()]


def _exceptions_initial(user):
    return [
        {"date": e.date, "start": e.start, "end": e.end, "reason": e.reason}
        for e in user.working_hours_exceptions.filter(date__gte=datetime.date.today() - datetime.timedelta(days=1))
    ]


@manage_users
def user_working_hours(request, uuid):
    user = _managed_user(request, uuid)
    data = request.POST if request.method == "POST" else None
    restriction = WorkingHoursRestrictionForm(data, initial={"restricted": user.working_hours_restricted})
    weekly = WeeklyFormSet(data, prefix="weekly", initial=_weekly_initial(user))
    exceptions = ExceptionFormSet(data, prefix="exceptions", initial=_exceptions_initial(user))
    error = None
    if request.method == "POST" and restriction.is_valid() and weekly.is_valid() and exceptions.is_valid():
        rows = [
            (f.cleaned_data["weekday"], f.cleaned_data["start"], f.cleaned_data["end"])
            for f in weekly.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        dated = [
            (
                f.cleaned_data["date"],
                f.cleaned_data.get("start"),
                f.cleaned_data.get("end"),
                f.cleaned_data.get("reason", ""),
            )
            for f in exceptions.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        try:
            services.working_hours_set(
                actor=request.user,
                user=user,
                restricted=restriction.cleaned_data["restricted"],
                weekly=rows,
                exceptions=dated,
            )
        except ValidationError as refusal:
            error = refusal.messages[0]
        else:
            messages.success(request, _("The working hours have been saved."))
            return redirect("accounts:user_working_hours", uuid=user.uuid)
    from ..working_hours import user_time_zone

    return render(
        request,
        "accounts/admin/user_working_hours.html",
        {
            "subject": user,
            "restriction": restriction,
            "weekly": weekly,
            "exceptions": exceptions,
            "error": error,
            "time_zone": str(user_time_zone(user)),
        },
    )


@manage_users
def user_ban(request, uuid):
    user = _managed_user(request, uuid)
    form = BanForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.user_ban(
                actor=request.user,
                user=user,
                until=form.cleaned_data["until"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The user is banned."))
            return redirect("accounts:user_detail", uuid=user.uuid)
    return render(request, "accounts/admin/user_ban.html", {"subject": user, "form": form})


def _confirmed_action(request, user, *, action, title, question, button, done, danger=False):
    error = None
    if request.method == "POST":
        try:
            action()
        except ValidationError as refusal:
            error = refusal.messages[0]
        else:
            return done()
    return render(
        request,
        "accounts/admin/confirm.html",
        {
            "subject": user,
            "error": error,
            "title": title,
            "question": question,
            "button": button,
            "danger": danger,
        },
        status=400 if error else 200,
    )


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


@manage_users
def user_unban(request, uuid):
    user = _managed_user(request, uuid)

    def done():
        messages.success(request, _("The ban has been lifted."))
        return redirect("accounts:user_detail", uuid=user.uuid)

    return _confirmed_action(
        request,
        user,
        action=lambda: services.user_unban(actor=request.user, user=user),
        title=_("Lift the ban"),
        question=_("Lift the ban on %(user)s?") % {"user": _name(user)},
        button=_("Lift the ban"),
        done=done,
    )


@manage_users
def user_deactivate(request, uuid):
    user = _managed_user(request, uuid)

    def done():
        messages.success(request, _("The user has been deactivated."))
        return redirect("accounts:user_detail", uuid=user.uuid)

    return _confirmed_action(
        request,
        user,
        action=lambda: services.user_deactivate(actor=request.user, user=user),
        title=_("Deactivate the user"),
        danger=True,
        question=_("Deactivate %(user)s? They will not be able to sign in until activated again.") % {"user": _name(user)},
        button=_("Deactivate"),
        done=done,
    )


@manage_users
def user_activate(request, uuid):
    user = _managed_user(request, uuid)

    def done():
        messages.success(request, _("The user has been activated."))
        return redirect("accounts:user_detail", uuid=user.uuid)

    return _confirmed_action(
        request,
        user,
        action=lambda: services.user_activate(actor=request.user, user=user),
        title=_("Activate the user"),
        question=_("Activate %(user)s?") % {"user": _name(user)},
        button=_("Activate"),
        done=done,
    )


@manage_users
def user_delete(request, uuid):
    user = _managed_user(request, uuid)

    def done():
        messages.success(request, _("The user has been deleted."))
        return redirect("accounts:user_list")

    return _confirmed_action(
        request,
        user,
        action=lambda: services.user_delete(actor=request.user, user=user),
        title=_("Delete the user"),
        danger=True,
        question=_("Delete %(user)s for good? This cannot be undone.") % {"user": _name(user)},
        button=_("Delete"),
        done=done,
    )


@manage_users
def user_password_reset(request, uuid):
    user = _managed_user(request, uuid)

    def action():
        password = services.user_password_reset(actor=request.user, user=user)
        request.session[INITIAL_PASSWORD_SESSION_KEY] = {"user": str(user.uuid), "password": password}

    def done():
        messages.success(request, _("A new initial password has been set; the user must change it at sign-in."))
        return redirect("accounts:user_detail", uuid=user.uuid)

    return _confirmed_action(
        request,
        user,
        action=action,
        title=_("Reset the password"),
        question=_(
            "Give %(user)s a new initial password? Their current password stops working and every session of theirs ends."
        )
        % {"user": _name(user)},
        button=_("Reset the password"),
        done=done,
        danger=True,
    )


# --- Roles ------------------------------------------------------------------------------------------
def _permission_areas(form):
    """The permission checkboxes grouped by area (the app), for the matrix on the role page."""
    from django.apps import apps

    areas: dict[str, dict] = {}
    selected = {str(value) for value in (form["permissions"].value() or [])}
    for permission in form.fields["permissions"].queryset:
        label = permission.content_type.app_label
        area = areas.setdefault(label, {"label": apps.get_app_config(label).verbose_name, "permissions": []})
        area["permissions"].append(
            {
                "pk": permission.pk,
                "name": _(permission.name),
                "code": f"{label}.{permission.codename}",
                "checked": str(permission.pk) in selected,
            }
        )
    return list(areas.values())


@manage_roles
def role_list(request):
    return render(request, "accounts/admin/role_list.html", {"roles": selectors.role_list()})


@manage_roles
def role_create(request):
    form = RoleForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            role = services.role_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The role has been created."))
            return redirect("accounts:role_edit", pk=role.pk)
    return render(
        request,
        "accounts/admin/role_form.html",
        {"form": form, "areas": _permission_areas(form), "creating": True},
    )


@manage_roles
def role_edit(request, pk):
    role = get_object_or_404(Group, pk=pk)
    profile = RoleProfile.objects.filter(role=role).first()
    initial = {
        "name": role.name,
        "permissions": list(role.permissions.values_list("pk", flat=True)),
        "access_level": profile.access_level if profile else "none",
        "is_staff_role": profile.is_staff_role if profile else True,
    }
    form = RoleForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.role_update(actor=request.user, role=role, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The role has been saved."))
            return redirect("accounts:role_edit", pk=role.pk)
    return render(
        request,
        "accounts/admin/role_form.html",
        {
            "form": form,
            "areas": _permission_areas(form),
            "role": role,
            "holders": services.role_holders(role),
        },
    )


@manage_roles
def role_delete(request, pk):
    role = get_object_or_404(Group, pk=pk)
    holders = services.role_holders(role)
    form = RoleDeleteForm(posted(request))
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            services.role_delete(actor=request.user, role=role, confirmed=form.cleaned_data["confirm"])
        except ValidationError as refusal:
            error = refusal.messages[0]
        else:
            messages.success(request, _("The role has been deleted."))
            return redirect("accounts:role_list")
    return render(
        request,
        "accounts/admin/role_delete.html",
        {
            "role": role,
            "holders": holders,
            "form": form,
            "error": error,
        },
        status=400 if error else 200,
    )
