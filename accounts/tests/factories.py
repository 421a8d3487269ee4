import factory
from factory.django import DjangoModelFactory

from accounts.models import Department, Organisation, Site, User

TEST_PASSWORD = "Correct-Horse-Battery-9"


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"ORG{n}")
    name_ru = factory.Sequence(lambda n: f"Поликлиника №{n}")
    name_kk = factory.Sequence(lambda n: f"№{n} емхана")
    name_en = factory.Sequence(lambda n: f"Polyclinic {n}")


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department

    organisation = factory.SubFactory(OrganisationFactory)
    code = factory.Sequence(lambda n: f"D{n}")
    name_ru = factory.Sequence(lambda n: f"Отделение {n}")
    name_kk = factory.Sequence(lambda n: f"Бөлімше {n}")


class SiteFactory(DjangoModelFactory):
    class Meta:
        model = Site

    department = factory.SubFactory(DepartmentFactory)
    code = factory.Sequence(lambda n: f"{n:02d}")
    name_ru = factory.Sequence(lambda n: f"Участок {n}")
    name_kk = factory.Sequence(lambda n: f"Учаске {n}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Айгерим"
    last_name = "Ахметова"
    email = factory.LazyAttribute(lambda user: f"{user.username}@test.mis.local")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()
