"""Known-answer tests of the chain model: one flow per channel, computed by hand stage by stage.

The scenario is ``data/hand.toml``: one product (1 kg, 0.01 m3, bought for 113 incl. 13% VAT, sold for 200), one
origin at (0, 0), gateways at longitude 0.9 (the bonded zone at 0.45), entries at 49.1, the warehouse at 49.55 and
the market at 50, all on the equator. Common numbers used below:

- one degree of longitude on the equator: ``K = 6371.0088 * pi / 180 = 111.19508 km``; ``km(0.9) = 100.07557``,
  ``km(0.45) = 50.03779`` (detour factor 1).
- China trucks: 1 USD/km for 1,000 kg or 10 m3 at full load, so ``0.001 USD/kg-km`` on ``max(1 kg, 0.01*100)
  = 1 kg``; 100 km/day. Destination trucks: 0.002 USD/kg-km.
- demand 3,650 a year: ``d = 10/day``; review period ``R = 10`` days; service level 0.5 so ``z = 0`` and no
  safety stock; cycle stock ``d R / 2 = 50`` units, i.e. 5 days of stock.
- rebate ``113 / 1.13 * 0.13 = 13``; cost of capital 0.365/yr, i.e. 0.001 per currency-day.
- destination: thresholds EUR 90 (duty, tested on the goods' intrinsic value) and EUR 50 (VAT) at 0.5 EUR/USD
  are USD 180 and 100; duty 10% + 5% additional; VAT 20%; CIF valuation. A parcel's customs value is its declared
  value, the retail price of 200 (shipping is in the price, so it is not added again).
- the container lane: 2,000 per 50 m3 box, or 40 per m3 LCL for what does not fill one; a batch of 100 units
  is 1 m3: LCL at 40, i.e. 0.4 a unit.
- last mile: EUR 3 up to 1 kg = USD 6, times ``1 + 0.5 * km/1000``; ``1 + km/100`` days, std 0.5.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest

from logistics import evaluate, load_scenario

HAND = Path(__file__).parents[1] / "data" / "hand.toml"
K = 6371.0088 * math.pi / 180
KM09 = 0.9 * K
KM045 = 0.45 * K
Z95 = 1.6448536269514722  # standard normal 95th percentile


@pytest.fixture(scope="module")
def rows() -> dict[str, dict[str, float]]:
    report = evaluate(load_scenario(HAND))
    df = report.to_frame()
    return {r["route"]: r for r in df.to_dict(orient="records")}


def _check(row: dict[str, float], expected: dict[str, float]) -> None:
    for key, value in expected.items():
        assert row[key] == pytest.approx(value, rel=1e-9, abs=1e-9), key


def test_9610_postal(rows: dict[str, dict[str, float]]) -> None:
    """9610 by post: seller -> mail exchange -> postal lane (delivery included).

    consolidation  0.001 * 1 kg * 100.0756 km + 0.1 * 1 kg handling         =  0.20008
    export         0.02 * 1 kg                                               =  0.02
    line haul      2 per item + 8 per kg * 1 kg                              = 10.00
    duty           declared value 200 > 180: 15% of it                       = 30.0
    rebate         invoices present: 13; filed 5 stock + 3.50076 to departure + 30 lag + 10 = 48.50076 days
    lead time      1 pick + 1.00076 drive + 0.5 handling + 1 export + 10 transit + 0.5 wait = 14.00076 days
    cash           5 stock + 14.00076 + 10 payout = 29.00076 days
    carrying       0.001 * (100 * 29.00076 + 13 * 48.50076)                  =  3.53059
    landed         113 - 13 + 0.20008 + 0.02 + 10 + 30 + 3.53059              = 143.75067
    """
    cons = 0.001 * KM09 + 0.1
    lh = 2.0 + 8.0
    duty = 0.15 * 200
    to_departure = 1 + KM09 / 100 + 0.5 + 1.0
    lead = to_departure + 10 + 0.5
    lead_std = math.sqrt((0.25 * KM09 / 100) ** 2 + 2.0**2 + 1 / 12)
    cash = 5 + lead + 10
    rebate_days = 5 + to_departure + 30 + 10
    carrying = 0.001 * (100 * cash + 13 * rebate_days)
    _check(rows["9610 postal MX>m"], {
        "consolidation": cons, "export_clearance": 0.02, "line_haul": lh, "import_duty": duty, "rebate": 13.0,
        "import_fees": 0.0, "last_mile": 0.0, "warehouse": 0.0, "import_vat": 0.0,
        "customer_days_mean": lead, "customer_days_p95": lead + Z95 * lead_std, "rebate_days": rebate_days,
        "cash_days": cash, "carrying": carrying, "cycle_units": 50.0, "safety_units": 0.0,
        "pipeline_units": 10 * lead,
        "landed_cost": 113 - 13 + cons + 0.02 + lh + duty + carrying,
    })
    assert 113 - 13 + cons + 0.02 + lh + duty + carrying == pytest.approx(143.75067, abs=1e-5)


def test_9610_air(rows: dict[str, dict[str, float]]) -> None:
    """9610 by air parcel: seller -> airport -> air lane -> entry airport -> courier.

    line haul      6 per kg * max(1, 0.01 * 167) = 1.67 kg, + 1 per parcel     = 11.02
    duty           15% of the declared 200                                    = 30.0
    import fee     0.5 per parcel
    last mile      6 * (1 + 0.5 * 0.10008)                                     =  6.30023 ; 2.00076 days
    lead time      3.50076 to departure + 3.5 air + 1 clearance + 2.00076       = 10.00151 days
    carrying       0.001 * (100 * (5 + 10.00151 + 10) + 13 * 48.50076)          =  3.13066
    """
    cons = 0.001 * KM09 + 0.1
    lh = 6 * 1.67 + 1.0
    duty = 0.15 * 200
    lm = 6 * (1 + 0.5 * KM09 / 1000)
    to_departure = 1 + KM09 / 100 + 0.5 + 1.0
    lead = to_departure + 3.5 + 1.0 + (1 + KM09 / 100)
    std = math.sqrt((0.25 * KM09 / 100) ** 2 + 1 + 1 / 12 + 0.25)
    carrying = 0.001 * (100 * (5 + lead + 10) + 13 * (5 + to_departure + 40))
    _check(rows["9610 air AP>E1"], {
        "line_haul": lh, "import_duty": duty, "import_fees": 0.5, "last_mile": lm, "customer_days_mean": lead,
        "customer_days_p95": lead + Z95 * std, "carrying": carrying,
        "landed_cost": 100 + cons + 0.02 + lh + duty + 0.5 + lm + carrying,
    })
    assert carrying == pytest.approx(3.13066, abs=1e-5)


def test_1210_bonded_air(rows: dict[str, dict[str, float]]) -> None:
    """1210: stock in the bonded zone, parcels trucked to the airport on order.

    consolidation  seller -> zone 0.001 * 50.0378 + zone -> airport 0.001 * 50.0378 + handling 0.1 + 0.2 = 0.40008
    rebate         full, on entering the zone: 0.50038 drive + 1 handling + 10 processing = 11.50038 days
    lead time      1 zone handling + 0.50038 transfer + 0.5 + 1 export + 3.5 + 1 + 2.00076 = 9.50113 days
    duty           15% of the declared 200                                  = 30.0
    cash           5 stock + 9.50113 + 10 = 24.50113 days; carrying 0.001 * (100 * 24.50113 + 13 * 11.50038) = 2.59962
    replenishment  5 supply + 0.50038 drive + 1 handling                   = 6.50038 days
    """
    cons = 2 * 0.001 * KM045 + 0.1 + 0.2
    lh = 6 * 1.67 + 1.0
    duty = 0.15 * 200
    lm = 6 * (1 + 0.5 * KM09 / 1000)
    lead = 1 + KM045 / 100 + 0.5 + 1 + 3.5 + 1 + (1 + KM09 / 100)
    std = math.sqrt((0.25 * KM045 / 100) ** 2 + 1 + 1 / 12 + 0.25)
    rebate_days = KM045 / 100 + 1 + 10
    carrying = 0.001 * (100 * (5 + lead + 10) + 13 * rebate_days)
    _check(rows["1210 via BZ air AP>E1"], {
        "consolidation": cons, "rebate": 13.0, "rebate_days": rebate_days, "customer_days_mean": lead,
        "customer_days_p95": lead + Z95 * std, "import_duty": duty, "carrying": carrying,
        "replenishment_days": 5 + KM045 / 100 + 1,
        "landed_cost": 100 + cons + 0.02 + lh + duty + 0.5 + lm + carrying,
    })
    assert carrying == pytest.approx(2.59962, abs=1e-5)


def test_9710_b2b(rows: dict[str, dict[str, float]]) -> None:
    """9710: a container to the B2B partner, who keeps 10% of retail and pays 20 days after delivery.

    line haul      2000 per box * max(0.01 / 50, 1 / 20000) = 2000 * 0.0002   =  0.4 ; 20 + 3.5 wait days
    import         batches of d R = 100 units; transaction value: the partner pays 200 * (1 - 10%) = 180 less
                   duty and the fee of 100 / 100 units = 1.0, so V = 179 / 1.15 = 155.65217 (CIF: the freight is
                   in the price) and duty 15% of it = 23.34783; import VAT 20% of 179 = 35.8 (cash: the seller
                   imports)
    partner fee    10% of 200                                               = 20.0
    lead time      2 partner days + 1 + 100.0756 / 100 courier days          =  4.00076 days
    cash           5 stock + (3.50076 + 23.5 + 2 clearance) + 20 terms       = 54.00076 days
    carrying       0.001 * (100 * 54.00076 + 13 * 18.50076 + 35.8 * 30)      =  6.71459
    """
    cons = 0.001 * KM09 + 0.1
    value = (200 * 0.9 - 1.0) / 1.15
    duty = 0.15 * value
    vat = 0.2 * (value + duty)
    ship = 1 + KM09 / 100 + 0.5 + 1.0 + 23.5 + 2.0
    cash = 5 + ship + 20
    rebate_days = 5 + (1 + KM09 / 100 + 0.5 + 1.0) + 10
    carrying = 0.001 * (100 * cash + 13 * rebate_days + vat * 30)
    lead = 2 + 1 + KM09 / 100
    _check(rows["9710 ocean_fcl SP>E2"], {
        "line_haul": 0.4, "import_duty": duty, "import_fees": 1.0, "import_vat": vat, "partner_fee": 20.0,
        "last_mile": 0.0, "customer_days_mean": lead, "customer_days_p95": lead + Z95 * 0.5, "cash_days": cash,
        "carrying": carrying, "landed_cost": 100 + cons + 0.02 + 0.4 + duty + 1.0 + 20.0 + carrying,
    })
    assert carrying == pytest.approx(6.71459, abs=1e-5)


def test_9810_overseas_warehouse(rows: dict[str, dict[str, float]]) -> None:
    """9810: a container to the entry port, a truck to the warehouse, last mile on order.

    line haul      0.4 ocean + drayage 0.002 * 1 kg * 50.0378 km = 0.10008     =  0.50008
    warehouse      dwell uniform on [0, 10] days; free 5 days then 1 per m3-day: E = (1/10) * 12.5 = 1.25 per m3
                   0.01 m3 * (10 receiving + 1.25) + 2 pick and pack         =  2.1125
    last mile      6 * (1 + 0.5 * 0.05004)                                  =  6.15011 ; 1.50038 days
    lead time      1 handling + 1.50038                                     =  2.50038 days
    replenishment  5 supply + 29.00076 shipping + 0.50038 drayage + 1 receiving = 35.50113 days
    rebate         on departure (SAT 2025 No. 3): 3.50076 + 10              = 13.50076 days
    cash           5 stock + (29.00076 + 0.50038 + 1 + 1.50038) + 10 payout   = 47.00151 days
    carrying       0.001 * (100 * 47.00151 + 13 * 13.50076 + 23.13802 * 30)  =  5.56980
    """
    cons = 0.001 * KM09 + 0.1
    value = 100 + cons + 0.4
    duty = 0.15 * value
    vat = 0.2 * (value + duty)
    dray = 0.002 * KM045
    wh = 0.01 * (10 + 1.25) + 2.0
    lm = 6 * (1 + 0.5 * KM045 / 1000)
    ship = 1 + KM09 / 100 + 0.5 + 1.0 + 23.5 + 2.0
    in_transit = ship + KM045 / 100 + 1 + (1 + KM045 / 100)
    cash = 5 + in_transit + 10
    rebate_days = (1 + KM09 / 100 + 0.5 + 1.0) + 10
    carrying = 0.001 * (100 * cash + 13 * rebate_days + vat * 30)
    _check(rows["9810 ocean_fcl SP>E2 wh:W"], {
        "line_haul": 0.4 + dray, "warehouse": wh, "last_mile": lm, "import_duty": duty, "import_fees": 1.0,
        "customer_days_mean": 1 + 1 + KM045 / 100, "replenishment_days": 5 + ship + KM045 / 100 + 1,
        "rebate_days": rebate_days, "cash_days": cash, "carrying": carrying,
        "pipeline_units": 10 * in_transit,
        "landed_cost": 100 + cons + 0.02 + 0.4 + dray + duty + 1.0 + wh + lm + carrying,
    })
    assert carrying == pytest.approx(5.56980, abs=1e-5)


def test_9810_rebate_after_sale_before_2025_rule() -> None:
    """Before 27 Jan 2025, 9810 rebates could be filed only after the sale overseas.

    trigger        29.00076 shipping + 0.50038 drayage + 1 receiving + 5 days of stock = 35.50113
    rebate days    35.50113 + 10 processing                                       = 45.50113
    """
    s = load_scenario(HAND)
    before = evaluate(s, date=dt.date(2025, 1, 26)).to_frame().set_index("route")
    after = evaluate(s, date=dt.date(2025, 1, 27)).to_frame().set_index("route")
    ship = 1 + KM09 / 100 + 0.5 + 1.0 + 23.5 + 2.0
    expected = ship + KM045 / 100 + 1 + 5 + 10
    assert before.loc["9810 ocean_fcl SP>E2 wh:W", "rebate_days"] == pytest.approx(expected, rel=1e-12)
    assert after.loc["9810 ocean_fcl SP>E2 wh:W", "rebate_days"] == pytest.approx(
        (1 + KM09 / 100 + 0.5 + 1.0) + 10, rel=1e-12)
    # The 32-day earlier refund lowers carrying cost by 0.001 * 13 * 32.0004 and nothing else changes.
    delta = before.loc["9810 ocean_fcl SP>E2 wh:W", "landed_cost"] - after.loc["9810 ocean_fcl SP>E2 wh:W",
                                                                               "landed_cost"]
    assert delta == pytest.approx(0.001 * 13 * (expected - (1 + KM09 / 100 + 0.5 + 1.0) - 10), rel=1e-9)


def test_winner_is_cheapest_meeting_promise() -> None:
    """Promise 10 days: 9610 post (14.0 d) fails; of the rest 9810 is cheapest (130.64 vs 151.82 for 9710)."""
    winners = evaluate(load_scenario(HAND)).winners()
    assert list(winners["channel"]) == ["9810"]
    assert bool(winners["meets_promise"].iloc[0])
