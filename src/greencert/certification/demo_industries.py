"""What the demo data knows of each industry: how its firms are called, where they cluster, how
their products are modelled and how much of them a sampler takes.

Demo data only, read by ``greencert seed`` and ``greencert seed_workflow``; nothing here is a rule.
The clusters are places the industry is known for, as far as the regions the registry holds allow
(宜兴's ceramics under 无锡, 南浔's furniture under 湖州, 余姚's plastics under 宁波, …).
"""

from __future__ import annotations

from typing import NamedTuple


class Industry(NamedTuple):
    # Endings of a firm's name after its place and brand (湖州 + 森源 + 家具有限公司).
    endings: tuple[str, ...]
    # GB/T 2260 codes of the places the industry clusters in.
    clusters: tuple[str, ...]
    # Model number forms by certification unit ("*" for the others), filled with {L} (two
    # letters), {n} (a number) and {v} (one of ``variants``).
    models: dict[str, tuple[str, ...]] = {"*": ("{L}-{n}",)}
    variants: tuple[str, ...] = ("",)
    # How much a sampler takes (抽样数量), by certification unit, "*" for the others.
    samples: dict[str, str] = {}
    # Second digit of the holder's unified social credit code: 1 a company, 2 an individual
    # business (个体工商户, as most homestays are).
    credit_kind: str = "91"
    # How the firm's address ends after a two-character name: a street, or a village.
    streets: tuple[str, ...] = ("路", "大道", "街")


INDUSTRIES: dict[str, Industry] = {
    "coatings": Industry(
        ("涂料有限公司", "化工有限公司", "新材料股份有限公司"),
        ("320400", "310116", "330400", "320500"),
        {"*": ("{L}-{n}", "{L}{n}-W")},
        samples={"*": "10 kg（2 桶 × 5 kg）"},
    ),
    "furniture": Industry(
        ("家具有限公司", "家居股份有限公司", "家具制造有限公司"),
        ("330500", "330523", "330421", "320500"),
        {"*": ("{L}-{n}", "{L}{n}")},
        samples={"床垫": "1 张", "椅类": "2 把", "*": "1 件"},
        streets=("路", "大道"),
    ),
    "wood-panels": Industry(
        ("木业有限公司", "人造板有限公司", "地板有限公司"),
        ("330500", "330521", "330421", "320400", "321300"),
        {"木质地板": ("{L}{n}",), "*": ("{L}-{v}-{n}",)},
        ("9", "12", "18"),
        samples={"木质地板": "12 块", "*": "3 张（1220 mm × 2440 mm）"},
    ),
    "textiles": Industry(
        ("纺织有限公司", "丝绸有限公司", "家纺有限公司", "服饰有限公司"),
        ("320509", "330600", "320600", "330500"),
        {"*": ("{L}{n}",)},
        samples={"婴幼儿纺织产品": "5 件", "*": "3 件"},
    ),
    "paper": Industry(
        ("纸业有限公司", "纸业股份有限公司"),
        ("330400", "330200", "321100", "330500"),
        {"*": ("{L}-{n}",)},
        samples={"生活用纸": "10 卷", "文化用纸": "2 令", "包装用纸": "2 卷", "*": "20 件"},
    ),
    "ceramic-tiles": Industry(
        ("陶瓷有限公司", "陶瓷股份有限公司", "建陶有限公司"),
        ("320200", "340600", "331100"),
        {"*": ("{L}{v}-{n}",)},
        ("6060", "8080", "60120", "75150", "3060"),
        samples={
            "陶质砖": "30 块（300 mm × 600 mm，5.4 m²）",
            "陶瓷板": "5 块（900 mm × 1800 mm，8.1 m²）",
            "*": "20 块（600 mm × 600 mm，7.2 m²）",
        },
    ),
    "sanitary-ceramics": Industry(
        ("洁具有限公司", "卫浴有限公司", "陶瓷洁具有限公司"),
        ("331000", "320200"),
        {"*": ("{L}{n}",)},
        samples={"*": "2 件"},
    ),
    "building-glass": Industry(
        ("玻璃有限公司", "玻璃股份有限公司", "节能玻璃有限公司"),
        ("340300", "340200", "321300"),
        {"*": ("{v}-{L}{n}",)},
        ("5+12A+5", "6+12A+6", "6Low-E+12A+6"),
        samples={"*": "6 片（500 mm × 500 mm）"},
    ),
    "thermal-insulation": Industry(
        ("保温材料有限公司", "节能建材有限公司", "新型建材有限公司"),
        ("320100", "320400", "340500"),
        {"*": ("{L}-{n}",)},
        samples={"玻璃棉": "2 卷", "*": "6 块（600 mm × 600 mm）"},
    ),
    "waterproof-sealing": Industry(
        ("防水材料有限公司", "防水科技股份有限公司", "建筑密封材料有限公司"),
        ("320500", "340100", "310114"),
        {"*": ("{L}-{n}",)},
        samples={
            "防水卷材": "2 卷",
            "防水涂料": "10 kg（2 桶 × 5 kg）",
            "密封胶": "6 支",
            "*": "2 件",
        },
    ),
    "wood-plastic": Industry(
        ("木塑科技有限公司", "木塑材料有限公司"),
        ("330500", "321300"),
        {"*": ("{L}{v}-{n}",)},
        ("140×25", "150×23"),
        samples={"*": "5 根（每根 2 m）"},
    ),
    "solar-water-heating": Industry(
        ("太阳能有限公司", "太阳能科技有限公司", "新能源有限公司"),
        ("330400", "320700"),
        {"*": ("{L}-{v}-{n}",)},
        ("φ58/1800-20", "φ47/1500-18"),
        samples={"*": "1 套"},
    ),
    "plastics": Industry(
        ("塑业有限公司", "塑料制品有限公司", "塑胶有限公司"),
        ("330200", "331000"),
        {"*": ("{L}-{n}",)},
        samples={"*": "20 件"},
    ),
    "detergents": Industry(
        ("日化有限公司", "日用化学品有限公司", "洗涤用品有限公司"),
        ("310120", "331100", "330100"),
        {"*": ("{L}-{n}",)},
        samples={"*": "3 kg（6 瓶 × 500 g）"},
    ),
    "home-appliances": Industry(
        ("电器有限公司", "电器股份有限公司", "家电有限公司"),
        ("340100", "341100", "340200", "330200"),
        {
            "电冰箱": ("BCD-{v}W{L}",),
            "房间空气调节器": ("KFR-35GW/{L}{n}", "KFR-26GW/{L}{n}"),
            "洗衣机": ("XQG100-{L}{n}", "XQB80-{L}{n}"),
        },
        ("215", "302", "452", "508"),
        samples={"*": "2 台"},
    ),
    "tyres": Industry(
        ("轮胎有限公司", "橡胶轮胎有限公司"),
        ("330100", "340100", "320300"),
        {"*": ("{L}{n} {v}",)},
        ("205/55R16 91V", "225/45R17 94W", "195/65R15 91H", "215/60R16 95V"),
        samples={"*": "4 条"},
    ),
    "kitchen-bath-hardware": Industry(
        ("水暖洁具有限公司", "阀门有限公司", "厨卫科技有限公司"),
        ("331000", "330300", "330200"),
        {"*": ("{L}-{n}",)},
        samples={"*": "3 件"},
    ),
    "gas-appliances": Industry(
        ("厨具有限公司", "燃气具有限公司", "厨房电器有限公司"),
        ("330200", "330100", "330600"),
        {"*": ("JZT-{L}{n}", "JSQ25-13{L}{n}")},
        samples={"*": "2 台"},
    ),
    "lighting": Industry(
        ("照明有限公司", "光电科技有限公司", "照明电器有限公司"),
        ("320400", "330100", "320500"),
        {"*": ("{L}-{n}-{v}",)},
        ("9W", "18W", "36W"),
        samples={"*": "10 只"},
    ),
    "express-packaging": Industry(
        ("包装有限公司", "包装材料有限公司", "环保包装科技有限公司"),
        ("330700", "330100", "320500", "310114"),
        {"*": ("{L}-{n}",)},
        samples={"胶带": "10 卷", "电子运单": "200 张", "*": "50 个"},
    ),
    "rural-homestays": Industry(
        ("民宿", "山居民宿", "小院民宿", "农庄民宿"),
        ("330521", "330523", "341000", "310151", "331100", "330900"),
        credit_kind="92",
        streets=("村", "村", "坞"),
        samples={"*": "—"},
    ),
    "data-centres": Industry(
        ("数据科技有限公司", "云计算有限公司", "数据服务有限公司"),
        ("340200", "310118", "320509", "330421", "330100"),
        samples={"*": "—"},
    ),
}

GENERIC = Industry(("科技有限公司", "实业有限公司"), (), samples={"*": "2 件"})


def industry(category_code: str) -> Industry:
    return INDUSTRIES.get(category_code, GENERIC)


def sample_quantity(category_code: str, unit: str) -> str:
    """How much a sampler takes of a product of ``unit`` (抽样数量)."""
    samples = industry(category_code).samples
    return samples.get(unit) or samples.get("*") or GENERIC.samples["*"]


def service_site(category_code: str, holder_name: str, place: str) -> str:
    """Where a service holder serves: a homestay is its own site, a data centre is named after
    its operator."""
    if category_code == "data-centres":
        for ending in INDUSTRIES["data-centres"].endings:
            holder_name = holder_name.removesuffix(ending)
        return f"{holder_name}数据中心（{place}）"
    return f"{holder_name}（{place}）"
