from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Department, Organisation, RoleAssignment, Site, User

admin.site.register(User, UserAdmin)
admin.site.register([Organisation, Department, Site, RoleAssignment])
