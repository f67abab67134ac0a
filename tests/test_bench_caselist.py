"""The case-list bench (tests/bench/caselist.py): what keeps two checkouts apart."""

from pathlib import Path

from tests.bench.caselist import checkout_database


def test_each_checkout_measures_in_a_postgresql_database_of_its_own():
    main = checkout_database("meldpunt_bench_caselist", Path("/work/main"))
    other = checkout_database("meldpunt_bench_caselist", Path("/work/wt-reads"))
    same_name = checkout_database("meldpunt_bench_caselist", Path("/elsewhere/main"))
    assert len({main, other, same_name}) == 3
    assert main == checkout_database("meldpunt_bench_caselist", Path("/work/main"))
    for name in (main, other, same_name):
        assert name.startswith("meldpunt_bench_caselist_")
        assert len(name) <= 63 and name.replace("_", "").isalnum() and name == name.lower()
