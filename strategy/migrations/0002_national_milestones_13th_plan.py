"""Seed the 13 milestones (หมุดหมาย) of the 13th National Economic and Social
Development Plan, 2023–2027 (พ.ศ. 2566–2570). Editors may add others."""

from django.db import migrations

PLAN = "แผนพัฒนาเศรษฐกิจและสังคมแห่งชาติ ฉบับที่ 13 (พ.ศ. 2566–2570)"

MILESTONES = [
    (
        "ไทยเป็นประเทศชั้นนำด้านสินค้าเกษตรและเกษตรแปรรูปมูลค่าสูง",
        "Thailand is a leading country in high-value agricultural and processed "
        "agricultural products",
    ),
    (
        "ไทยเป็นจุดหมายของการท่องเที่ยวที่เน้นคุณภาพและความยั่งยืน",
        "Thailand is a destination for quality and sustainable tourism",
    ),
    (
        "ไทยเป็นฐานการผลิตยานยนต์ไฟฟ้าที่สำคัญของโลก",
        "Thailand is an important global production base for electric vehicles",
    ),
    (
        "ไทยเป็นศูนย์กลางทางการแพทย์และสุขภาพมูลค่าสูง",
        "Thailand is a hub of high-value medical and health services",
    ),
    (
        "ไทยเป็นประตูการค้าการลงทุนและยุทธศาสตร์ทางโลจิสติกส์ที่สำคัญของภูมิภาค",
        "Thailand is a key regional gateway for trade, investment and strategic "
        "logistics",
    ),
    (
        "ไทยเป็นศูนย์กลางอุตสาหกรรมอิเล็กทรอนิกส์อัจฉริยะและอุตสาหกรรมดิจิทัลของอาเซียน",
        "Thailand is ASEAN's hub for smart electronics and digital industries",
    ),
    (
        "ไทยมีวิสาหกิจขนาดกลางและขนาดย่อมที่เข้มแข็ง มีศักยภาพสูง และสามารถแข่งขันได้",
        "Thailand has strong, high-potential and competitive small and medium "
        "enterprises",
    ),
    (
        "ไทยมีพื้นที่และเมืองอัจฉริยะที่น่าอยู่ ปลอดภัย เติบโตได้อย่างยั่งยืน",
        "Thailand has liveable, safe smart areas and cities that grow sustainably",
    ),
    (
        "ไทยมีความยากจนข้ามรุ่นลดลง และมีความคุ้มครองทางสังคมที่เพียงพอ เหมาะสม",
        "Thailand has less intergenerational poverty and adequate, appropriate "
        "social protection",
    ),
    (
        "ไทยมีเศรษฐกิจหมุนเวียนและสังคมคาร์บอนต่ำ",
        "Thailand has a circular economy and a low-carbon society",
    ),
    (
        "ไทยสามารถลดความเสี่ยงและผลกระทบจากภัยธรรมชาติและการเปลี่ยนแปลงสภาพภูมิอากาศ",
        "Thailand reduces the risks and impacts of natural disasters and climate "
        "change",
    ),
    (
        "ไทยมีกำลังคนสมรรถนะสูง มุ่งเรียนรู้อย่างต่อเนื่อง ตอบโจทย์การพัฒนาแห่งอนาคต",
        "Thailand has a high-performing workforce committed to lifelong learning "
        "that meets future development needs",
    ),
    (
        "ไทยมีภาครัฐที่ทันสมัย มีประสิทธิภาพ และตอบโจทย์ประชาชน",
        "Thailand has a modern, efficient public sector that responds to people's "
        "needs",
    ),
]


def seed(apps, schema_editor):
    NationalMilestone = apps.get_model("strategy", "NationalMilestone")
    for number, (name_th, name_en) in enumerate(MILESTONES, start=1):
        NationalMilestone.objects.get_or_create(
            plan=PLAN,
            number=number,
            defaults={"name_th": name_th, "name_en": name_en},
        )


def unseed(apps, schema_editor):
    NationalMilestone = apps.get_model("strategy", "NationalMilestone")
    # Only the seeded rows nobody has linked a framework to.
    NationalMilestone.objects.filter(plan=PLAN, frameworks__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("strategy", "0001_framework_tree")]

    operations = [migrations.RunPython(seed, unseed)]
