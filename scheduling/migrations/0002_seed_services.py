"""The services catalogue's starting list, until the services classifier is imported (classifiers app)."""

from django.db import migrations

SERVICES = [
    # code, name_ru, name_kk, name_en, minutes, form, price group
    ("A01.001", "Приём врача общей практики", "Жалпы практика дәрігерінің қабылдауы", "General practitioner visit",
     15, "in_person", "gobmp"),
    ("A01.002", "Приём терапевта", "Терапевттің қабылдауы", "Therapist visit", 15, "in_person", "gobmp"),
    ("A01.003", "Приём педиатра", "Педиатрдың қабылдауы", "Paediatrician visit", 15, "in_person", "gobmp"),
    ("A01.010", "Приём кардиолога", "Кардиологтың қабылдауы", "Cardiologist visit", 20, "in_person", "osms"),
    ("T01.001", "Дистанционная консультация (видео)", "Қашықтықтан кеңес беру (бейне)",
     "Remote consultation (video)", 20, "video", "gobmp"),
    ("T01.002", "Дистанционная консультация (аудио)", "Қашықтықтан кеңес беру (аудио)",
     "Remote consultation (audio)", 15, "audio", "osms"),
    ("T01.003", "Консультация в чате", "Чаттағы кеңес", "Chat consultation", 15, "chat", "paid"),
    ("P01.001", "Платный приём специалиста", "Маманның ақылы қабылдауы", "Paid specialist visit", 30,
     "in_person", "paid"),
]


def seed(apps, schema_editor):
    Service = apps.get_model("scheduling", "Service")
    for code, name_ru, name_kk, name_en, minutes, form, price_group in SERVICES:
        Service.objects.get_or_create(code=code, defaults={
            "name_ru": name_ru, "name_kk": name_kk, "name_en": name_en, "duration_minutes": minutes,
            "form": form, "price_group": price_group,
        })


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
