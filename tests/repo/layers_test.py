"""The layers stay apart: the sync knows no marketplace and no adapter, the core
includes nothing from the layers above it.

A Shopify or Amazon connector must not need to edit the sync: every marketplace fact
reaches it as a typed value through ReturnsConnection.
"""
import os
import pathlib
import re

ROOT = pathlib.Path(os.environ.get("SANBAO_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))

MARKETPLACE = re.compile(
    r"ebay|shopify|amazon|allegro|mercado|FILING_DATE|PURCHASE_PRICE|ORIGINAL_SHIPPING|"
    r"EBAY_|MP-EBAY|Post-?Order", re.IGNORECASE)


def sources(folder):
    for path in sorted((ROOT / folder).rglob("*")):
        if path.is_file() and (path.suffix in {".h", ".cc"} or path.name == "CMakeLists.txt"):
            yield path


def hits(folder, pattern):
    out = []
    for path in sources(folder):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                out.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    return out


def test_nothing_under_the_sync_names_a_marketplace():
    found = hits("sync", MARKETPLACE)
    assert not found, "the sync names a marketplace:\n" + "\n".join(found)


def test_the_sync_depends_on_the_core_only():
    found = hits("sync", re.compile(
        r"store_sqlite|transport_curl|server_beast|sanbao::ebay|"
        r'#include "sanbao/(store/sqlite_store|store/webhook_inbox|ebay/|http/curl)'))
    assert not found, "the sync reaches past the core:\n" + "\n".join(found)


def test_the_core_includes_nothing_from_the_layers_above():
    found = hits("sdk/src", re.compile(r'#include "sanbao/(sync|ebay|store/sqlite|mocks)/'))
    found += hits("sdk/include", re.compile(r'#include "sanbao/(sync|ebay|store/sqlite|mocks)/'))
    assert not found, "\n".join(found)


def test_the_marketplace_pattern_finds_what_it_should(tmp_path, monkeypatch):
    (tmp_path / "sync").mkdir()
    (tmp_path / "sync" / "a.cc").write_text('if (m == "ebay") q.sort = "+FILING_DATE";\n')
    monkeypatch.setattr(__import__(__name__), "ROOT", tmp_path)
    assert len(hits("sync", MARKETPLACE)) == 1
