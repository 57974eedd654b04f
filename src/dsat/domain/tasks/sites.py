"""Which-site-is-genuine tasks: the addresses of one public service among look-alikes built
with the tricks scams use (the real name as a subdomain of another domain, before an @,
inside a path, with a hyphen or another ending, with a look-alike letter)."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from dsat.domain.tasks import common as c
from dsat.domain.tasks.model import Site, TaskKey, TaskView
from dsat.domain.tasks.registry import Template, register
from dsat.domain.text import LocalizedText

# Public services and their genuine host names.
SERVICES: tuple[tuple[str, LocalizedText], ...] = (
    (
        "dichvucong.gov.vn",
        c.both("Cổng Dịch vụ công quốc gia", "the National Public Service Portal"),
    ),
    ("chinhphu.vn", c.both("Cổng Thông tin điện tử Chính phủ", "the Government's web portal")),
    (
        "vbpl.vn",
        c.both(
            "Cơ sở dữ liệu quốc gia về văn bản pháp luật",
            "the national database of legal documents",
        ),
    ),
    ("baohiemxahoi.gov.vn", c.both("Bảo hiểm xã hội Việt Nam", "Vietnam Social Security")),
    ("sbv.gov.vn", c.both("Ngân hàng Nhà nước Việt Nam", "the State Bank of Vietnam")),
    ("bocongan.gov.vn", c.both("Bộ Công an", "the Ministry of Public Security")),
    ("csgt.vn", c.both("Cục Cảnh sát giao thông", "the Traffic Police Department")),
)
PATHS = ("/", "/tin-tuc", "/tra-cuu", "/dang-nhap", "/thong-bao/2026", "/ho-tro")
EVIL = (
    "xacminh-vneid.com",
    "hotro-truc-tuyen.net",
    "capnhat-thongtin.top",
    "dangnhap-an-toan.info",
    "cong-thong-tin.online",
    "vn-secure.link",
)
GLYPHS = (("i", "l"), ("o", "0"), ("m", "rn"), ("l", "1"), ("u", "v"))


def _name(host: str) -> str:
    return host.split(".")[0]


def _suffix(rng: random.Random, host: str) -> str:
    return f"https://{host}.{rng.choice(EVIL)}{rng.choice(PATHS)}"


def _userinfo(rng: random.Random, host: str) -> str:
    return f"https://{host}@{rng.choice(EVIL)}{rng.choice(PATHS)}"


def _path(rng: random.Random, host: str) -> str:
    return f"https://{rng.choice(EVIL)}/{host}{rng.choice(PATHS).rstrip('/')}"


def _hyphen(rng: random.Random, host: str) -> str:
    name, rest = _name(host), host.split(".", 1)[1]
    return f"https://{name}-{rest.replace('.', '-')}.com{rng.choice(PATHS)}"


def _ending(rng: random.Random, host: str) -> str:
    name = _name(host)
    options = [e for e in (".com.vn", ".com", ".vn", ".net.vn", ".org") if not host.endswith(e)]
    return f"https://{name}{rng.choice(options)}{rng.choice(PATHS)}"


def _glyph(rng: random.Random, host: str) -> str | None:
    name, rest = _name(host), host.split(".", 1)[1]
    swaps = [(a, b) for a, b in GLYPHS if a in name]
    if not swaps:
        return None
    a, b = rng.choice(swaps)
    at = rng.choice([i for i, ch in enumerate(name) if name.startswith(a, i)])
    fake = name[:at] + b + name[at + len(a) :]
    ending = rng.choice(("com", "vn", "com.vn")) if rest.endswith("gov.vn") else rest
    return f"https://{fake}.{ending}{rng.choice(PATHS)}"


TRICKS: tuple[Callable[[random.Random, str], str | None], ...] = (
    _suffix,
    _userinfo,
    _path,
    _hyphen,
    _ending,
    _glyph,
)
TRICK_NAMES: dict[str, LocalizedText] = {
    "_suffix": c.both(
        "tên thật đứng trước một tên miền khác", "the real name in front of another domain"
    ),
    "_userinfo": c.both(
        "phần trước dấu @ không phải tên miền", "what comes before @ is not the domain"
    ),
    "_path": c.both("tên thật chỉ nằm trong đường dẫn", "the real name is only in the path"),
    "_hyphen": c.both("tên miền khác, nối bằng dấu gạch", "another domain, joined with hyphens"),
    "_ending": c.both("đuôi tên miền khác", "another domain ending"),
    "_glyph": c.both(
        "một chữ cái bị thay bằng chữ trông giống", "a letter replaced by a look-alike"
    ),
}


def host_of(address: str) -> str:
    """The host a browser would open: after the scheme, before the path, after any @."""
    rest = address.split("://", 1)[-1]
    authority = rest.split("/", 1)[0]
    return authority.rsplit("@", 1)[-1].lower()


def _shuffled(
    rng: random.Random,
    genuine: list[str],
    fakes: list[tuple[str, str]],
    service: LocalizedText,
) -> tuple[tuple[Site, ...], tuple[str, ...], list[tuple[str, str | None]]]:
    """The genuine and fake addresses in a random order, lettered a, b, ...; the letters of
    the genuine ones (the key); and each address with the trick that made it (None: genuine),
    in the order shown."""
    entries: list[tuple[str, str | None]] = [(a, None) for a in genuine] + list(fakes)
    rng.shuffle(entries)
    sites = tuple(
        Site(id=chr(ord("a") + i), address=address, title=service)
        for i, (address, _) in enumerate(entries)
    )
    picks = tuple(s.id for s, (_, trick) in zip(sites, entries, strict=True) if trick is None)
    return sites, picks, entries


@register
class GenuineSite(Template):
    name = "sites.genuine"
    kind = "sites"
    answer_kind = "pick"
    steps = 2
    title = c.both(
        "Nhận ra địa chỉ trang thật giữa các trang giả", "Tell a genuine address from look-alikes"
    )

    def build(self, rng: random.Random, settings: Any) -> tuple[TaskView, TaskKey]:
        host, service = rng.choice(SERVICES)
        n_genuine = rng.randint(1, 2)
        genuine = [f"https://{host}{p}" for p in rng.sample(PATHS, n_genuine)]
        fakes: list[tuple[str, str]] = []
        for trick in rng.sample(TRICKS, len(TRICKS)):
            address = trick(rng, host)
            if address is not None and host_of(address) != host:
                fakes.append((address, trick.__name__))
            if len(fakes) == 6 - n_genuine:
                break
        sites, picks, entries = _shuffled(rng, genuine, fakes, service)
        prompt = c.both(
            f"Một thư gửi cho bạn các địa chỉ dưới đây, đều ghi là trang của {service.vi}. "
            f"Trang thật có tên miền {host}. Chọn mọi địa chỉ mở đúng trang thật.",
            f"A message gives you the addresses below, all said to be {service.en}. The "
            f"genuine site's domain is {host}. Choose every address that opens the genuine site.",
        )
        vi, en = [], []
        for s, (_, how) in zip(sites, entries, strict=True):
            if how is None:
                vi.append(f"{s.id}) {s.address}: thật, trang mở ra là {host}")
                en.append(f"{s.id}) {s.address}: genuine, it opens {host}")
            else:
                opened = host_of(s.address)
                vi.append(f"{s.id}) {s.address}: giả, mở ra {opened} ({TRICK_NAMES[how].vi})")
                en.append(f"{s.id}) {s.address}: fake, opens {opened} ({TRICK_NAMES[how].en})")
        view = TaskView(
            template=self.name, kind="sites", answer_kind="pick", prompt=prompt, sites=sites
        )
        working = LocalizedText(vi="\n".join(vi), en="\n".join(en))
        return view, TaskKey(picks=picks, working=working)


# --- the genuine portal among look-alikes, subdomains included --------------------------------
# Public portals: their domain, their name, subdomains of theirs, and what a citizen goes
# there for. Every address under the domain (a subdomain in front, any path) is theirs.
PORTALS: tuple[tuple[str, LocalizedText, tuple[str, ...], LocalizedText], ...] = (
    (
        "dichvucong.gov.vn",
        c.both("Cổng Dịch vụ công quốc gia", "the National Public Service Portal"),
        ("", "www."),
        c.both("nộp hồ sơ một thủ tục trực tuyến", "apply for a procedure online"),
    ),
    (
        "bocongan.gov.vn",
        c.both("Bộ Công an", "the Ministry of Public Security"),
        ("", "dichvucong."),
        c.both("làm thủ tục đăng ký thường trú", "register a permanent residence"),
    ),
    (
        "baohiemxahoi.gov.vn",
        c.both("Bảo hiểm xã hội Việt Nam", "Vietnam Social Security"),
        ("", "dichvucong."),
        c.both("tra cứu quá trình đóng bảo hiểm xã hội", "look up your social insurance record"),
    ),
    (
        "chinhphu.vn",
        c.both("Cổng Thông tin điện tử Chính phủ", "the Government's web portal"),
        ("", "vanban.", "congbao."),
        c.both("đọc toàn văn một nghị định mới", "read the full text of a new decree"),
    ),
    (
        "csgt.vn",
        c.both("Cục Cảnh sát giao thông", "the Traffic Police Department"),
        ("", "www."),
        c.both("tra cứu phạt nguội xe của mình", "check your vehicle for camera fines"),
    ),
)
PORTAL_PATHS = ("/", "/tra-cuu", "/huong-dan", "/thu-tuc-hanh-chinh", "/tin-tuc/2026", "/lien-he")
SHADY = ("xacthuc.online", "tracuu-nhanh.com", "hotro247.net", "thanhtoan-online.info",
         "dangky-truc-tuyen.top", "congdan-so.site")  # fmt: skip
ENDINGS = (".com", ".vn", ".com.vn", ".net", ".org", ".info")


def _portal_name(domain: str) -> str:
    return domain.removesuffix(".vn").removesuffix(".gov")


def _typo(rng: random.Random, domain: str, sub: str) -> str:
    name = _portal_name(domain)
    k = rng.randrange(1, len(name) - 1)
    kind = rng.randrange(3)
    if kind == 0:  # a letter left out
        fake = name[:k] + name[k + 1 :]
    elif kind == 1:  # a letter doubled
        fake = name[:k] + name[k] + name[k:]
    else:  # two letters swapped
        fake = name[: k - 1] + name[k] + name[k - 1] + name[k + 1 :]
    return f"https://{sub}{fake}{rng.choice(ENDINGS)}{rng.choice(PORTAL_PATHS)}"


def _keyword(rng: random.Random, domain: str, sub: str) -> str:
    name = _portal_name(domain)
    word = rng.choice(("tructuyen", "quocgia", "vn", "online", "chinhthuc", "hotro"))
    joined = rng.choice((f"{name}-{word}", f"{word}-{name}", f"{name}{word}"))
    return f"https://{sub}{joined}{rng.choice(ENDINGS)}{rng.choice(PORTAL_PATHS)}"


def _reversed(rng: random.Random, domain: str, sub: str) -> str:
    name = _portal_name(domain)
    rest = domain.removeprefix(name + ".") or "vn"
    return f"https://{rest}.{name}{rng.choice(ENDINGS)}{rng.choice(PORTAL_PATHS)}"


def _other_ending(rng: random.Random, domain: str, sub: str) -> str:
    name = _portal_name(domain)
    ending = rng.choice((".com.vn", ".org.vn", ".net.vn", ".com"))
    return f"https://{sub}{name}{ending}{rng.choice(PORTAL_PATHS)}"


def _in_front(rng: random.Random, domain: str, sub: str) -> str:
    joiner = rng.choice((".", "-"))
    return f"https://{sub}{domain}{joiner}{rng.choice(SHADY)}{rng.choice(PORTAL_PATHS)}"


def _dashed(rng: random.Random, domain: str, sub: str) -> str:
    dashed = domain.replace(".", "-")
    return f"https://{sub}{dashed}{rng.choice(('.com', '.net', '.top', '.vn'))}/dang-nhap"


PORTAL_TRICKS: tuple[Callable[[random.Random, str, str], str], ...] = (
    _typo,
    _keyword,
    _reversed,
    _other_ending,
    _in_front,
    _dashed,
)
PORTAL_TRICK_NAMES: dict[str, LocalizedText] = {
    "_typo": c.both("tên gõ sai một chữ", "the name misspelt by one letter"),
    "_keyword": c.both("tên thật ghép thêm một từ", "the real name with a word added"),
    "_reversed": c.both("các phần của tên miền bị đảo", "the parts of the domain swapped"),
    "_other_ending": c.both("đúng tên nhưng khác đuôi", "the right name, another ending"),
    "_in_front": c.both(
        "tên miền thật chỉ đứng trước một tên miền khác", "the real domain in front of another"
    ),
    "_dashed": c.both("dấu chấm bị thay bằng dấu gạch", "the dots replaced by hyphens"),
}


def belongs(host: str, domain: str) -> bool:
    """Whether a host is the domain itself or one of its subdomains."""
    return host == domain or host.endswith("." + domain)


@register
class PublicServicePortal(Template):
    """Addresses of a public portal and look-alikes: the genuine ones may carry a subdomain
    (dichvucong.bocongan.gov.vn, vanban.chinhphu.vn), the fakes a misspelt name, an added
    word, swapped parts, another ending or the real domain in front of another one. The
    rule taught: read the domain from its right end."""

    name = "sites.public_services"
    kind = "sites"
    answer_kind = "pick"
    steps = 2
    title = c.both(
        "Nhận ra cổng dịch vụ công thật, kể cả tên miền con",
        "Tell the genuine public portal, subdomains included",
    )

    def build(self, rng: random.Random, settings: Any) -> tuple[TaskView, TaskKey]:
        domain, service, subs, errand = rng.choice(PORTALS)
        n_genuine = rng.randint(1, 3)
        genuine = []
        for sub in rng.sample(subs, min(n_genuine, len(subs))):
            genuine.append(f"https://{sub}{domain}{rng.choice(PORTAL_PATHS)}")
        while len(genuine) < n_genuine:  # another page of the same site
            address = f"https://{rng.choice(subs)}{domain}{rng.choice(PORTAL_PATHS)}"
            if address not in genuine:
                genuine.append(address)
        fakes: list[tuple[str, str]] = []
        for trick in rng.sample(PORTAL_TRICKS, len(PORTAL_TRICKS)):
            address = trick(rng, domain, rng.choice(subs))
            host = host_of(address)
            fake = not belongs(host, domain) and not host.endswith(".gov.vn")
            if fake and address not in [a for a, _ in fakes]:
                fakes.append((address, trick.__name__))
            if len(fakes) == 6 - n_genuine:
                break
        sites, picks, entries = _shuffled(rng, genuine, fakes, service)
        prompt = c.both(
            f"Bạn cần {errand.vi} trên trang của {service.vi}, có tên miền {domain}. Trang này "
            f"có thể dùng thêm tên miền con phía trước (dạng tên.{domain}). Chọn mọi địa chỉ "
            "mở một trang thuộc chính trang đó.",
            f"You need to {errand.en} on the site of {service.en}, whose domain is {domain}. "
            f"The site may also use a subdomain in front of it (of the form name.{domain}). "
            "Choose every address that opens a page of that very site.",
        )
        vi, en = [], []
        for s, (_, how) in zip(sites, entries, strict=True):
            opened = host_of(s.address)
            if how is None:
                vi.append(f"{s.id}) {s.address}: thật, {opened} kết thúc đúng bằng {domain}")
                en.append(f"{s.id}) {s.address}: genuine, {opened} ends exactly in {domain}")
            else:
                name = PORTAL_TRICK_NAMES[how]
                vi.append(f"{s.id}) {s.address}: giả, mở ra {opened} ({name.vi})")
                en.append(f"{s.id}) {s.address}: fake, opens {opened} ({name.en})")
        view = TaskView(
            template=self.name, kind="sites", answer_kind="pick", prompt=prompt, sites=sites
        )
        working = LocalizedText(vi="\n".join(vi), en="\n".join(en))
        return view, TaskKey(picks=picks, working=working)
