"""Build the course's country geometry (data/geo/) from Natural Earth via the npm registry.

Source: the npm package ``world-atlas@2.0.2`` (Natural Earth 4.1.0 admin-0 countries as
TopoJSON at 1:50m and 1:110m; Natural Earth is in the public domain). Natural Earth ships
through a package registry this way, so the build needs no website downloads.

Outputs (both GeoJSON FeatureCollections, properties ``iso3`` and ``name``, sorted by iso3):

* ``data/geo/central_asia.geojson``: the five Central Asian states and their neighbours at
  1:50m, simplified *as one coverage* (``shapely.coverage_simplify``) so that shared
  borders stay gap-free, rounded to 0.001 degrees. 1:50m is the coarsest scale that still
  shows the Fergana valley enclaves (Sokh, Shakhimardan, Vorukh); the script asserts that
  they survive simplification.
* ``data/geo/world_110m.geojson``: every other country at 1:110m (Antarctica left out),
  rounded to 0.01 degrees, for distant member states (Armenia's CSTO partners in Europe,
  the United States, ...) and for the offline land basemap.

Usage (from the repository root; needs ``npm`` on PATH, or pass ``--tarball``)::

    python tools/make_geo.py                      # runs `npm pack world-atlas@2.0.2`
    python tools/make_geo.py --tarball world-atlas-2.0.2.tgz --out data/geo
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping

WORLD_ATLAS = "world-atlas@2.0.2"
REPO = Path(__file__).resolve().parents[1]

CENTRAL_ASIA = ["KAZ", "KGZ", "TJK", "TKM", "UZB"]
# Neighbours drawn at 1:50m: every state bordering the five, the Caspian and Caucasus
# states (CSTO/CIS context), and the Himalayan states that close the gap between India
# and China, so the regional coverage has no holes where a lesson looks.
NEIGHBOURS = [
    "AFG",
    "ARM",
    "AZE",
    "BTN",
    "CHN",
    "GEO",
    "IND",
    "IRN",
    "MNG",
    "NPL",
    "PAK",
    "RUS",
    "TUR",
    "XSG",
]
REGION = sorted(CENTRAL_ASIA + NEIGHBOURS)
# Parts of neighbours smaller than this (square degrees) and outside the core box are
# dropped before simplification: Arctic and Pacific islets cost bytes and teach nothing.
# Parts of the five states are never dropped (the enclaves are tiny).
SMALL_PART_SQ_DEG = 0.05
CORE_BOX = shapely.box(40.0, 25.0, 100.0, 56.0)
# coverage_simplify removes vertices whose triangle has an area below tolerance**2
# (Visvalingam-Whyatt); 0.05 degrees keeps the enclaves and fits the size budget.
SIMPLIFY_TOLERANCE_50M = 0.05
GRID_50M = 0.001
GRID_110M = 0.01  # 1:110m is accurate to a few km; finer digits only cost bytes
MAX_CENTRAL_ASIA_BYTES = 300_000
MAX_WORLD_BYTES = 200_000

# world-atlas keeps only Natural Earth's name and ISO 3166-1 numeric id. Numeric -> alpha-3,
# generated once from Debian's iso-codes (iso_3166-1.json) for every id world-atlas uses;
# the script cross-checks it against that file when the file is present.
ISO_NUMERIC_TO_ALPHA3 = {
    4: "AFG",
    8: "ALB",
    10: "ATA",
    12: "DZA",
    16: "ASM",
    20: "AND",
    24: "AGO",
    28: "ATG",
    31: "AZE",
    32: "ARG",
    36: "AUS",
    40: "AUT",
    44: "BHS",
    48: "BHR",
    50: "BGD",
    51: "ARM",
    52: "BRB",
    56: "BEL",
    60: "BMU",
    64: "BTN",
    68: "BOL",
    70: "BIH",
    72: "BWA",
    76: "BRA",
    84: "BLZ",
    86: "IOT",
    90: "SLB",
    92: "VGB",
    96: "BRN",
    100: "BGR",
    104: "MMR",
    108: "BDI",
    112: "BLR",
    116: "KHM",
    120: "CMR",
    124: "CAN",
    132: "CPV",
    136: "CYM",
    140: "CAF",
    144: "LKA",
    148: "TCD",
    152: "CHL",
    156: "CHN",
    158: "TWN",
    170: "COL",
    174: "COM",
    178: "COG",
    180: "COD",
    184: "COK",
    188: "CRI",
    191: "HRV",
    192: "CUB",
    196: "CYP",
    203: "CZE",
    204: "BEN",
    208: "DNK",
    212: "DMA",
    214: "DOM",
    218: "ECU",
    222: "SLV",
    226: "GNQ",
    231: "ETH",
    232: "ERI",
    233: "EST",
    234: "FRO",
    238: "FLK",
    239: "SGS",
    242: "FJI",
    246: "FIN",
    248: "ALA",
    250: "FRA",
    258: "PYF",
    260: "ATF",
    262: "DJI",
    266: "GAB",
    268: "GEO",
    270: "GMB",
    275: "PSE",
    276: "DEU",
    288: "GHA",
    296: "KIR",
    300: "GRC",
    304: "GRL",
    308: "GRD",
    316: "GUM",
    320: "GTM",
    324: "GIN",
    328: "GUY",
    332: "HTI",
    334: "HMD",
    336: "VAT",
    340: "HND",
    344: "HKG",
    348: "HUN",
    352: "ISL",
    356: "IND",
    360: "IDN",
    364: "IRN",
    368: "IRQ",
    372: "IRL",
    376: "ISR",
    380: "ITA",
    384: "CIV",
    388: "JAM",
    392: "JPN",
    398: "KAZ",
    400: "JOR",
    404: "KEN",
    408: "PRK",
    410: "KOR",
    414: "KWT",
    417: "KGZ",
    418: "LAO",
    422: "LBN",
    426: "LSO",
    428: "LVA",
    430: "LBR",
    434: "LBY",
    438: "LIE",
    440: "LTU",
    442: "LUX",
    446: "MAC",
    450: "MDG",
    454: "MWI",
    458: "MYS",
    462: "MDV",
    466: "MLI",
    470: "MLT",
    478: "MRT",
    480: "MUS",
    484: "MEX",
    492: "MCO",
    496: "MNG",
    498: "MDA",
    499: "MNE",
    500: "MSR",
    504: "MAR",
    508: "MOZ",
    512: "OMN",
    516: "NAM",
    520: "NRU",
    524: "NPL",
    528: "NLD",
    531: "CUW",
    533: "ABW",
    534: "SXM",
    540: "NCL",
    548: "VUT",
    554: "NZL",
    558: "NIC",
    562: "NER",
    566: "NGA",
    570: "NIU",
    574: "NFK",
    578: "NOR",
    580: "MNP",
    583: "FSM",
    584: "MHL",
    585: "PLW",
    586: "PAK",
    591: "PAN",
    598: "PNG",
    600: "PRY",
    604: "PER",
    608: "PHL",
    612: "PCN",
    616: "POL",
    620: "PRT",
    624: "GNB",
    626: "TLS",
    630: "PRI",
    634: "QAT",
    642: "ROU",
    643: "RUS",
    646: "RWA",
    652: "BLM",
    654: "SHN",
    659: "KNA",
    660: "AIA",
    662: "LCA",
    663: "MAF",
    666: "SPM",
    670: "VCT",
    674: "SMR",
    678: "STP",
    682: "SAU",
    686: "SEN",
    688: "SRB",
    690: "SYC",
    694: "SLE",
    702: "SGP",
    703: "SVK",
    704: "VNM",
    705: "SVN",
    706: "SOM",
    710: "ZAF",
    716: "ZWE",
    724: "ESP",
    728: "SSD",
    729: "SDN",
    732: "ESH",
    740: "SUR",
    748: "SWZ",
    752: "SWE",
    756: "CHE",
    760: "SYR",
    762: "TJK",
    764: "THA",
    768: "TGO",
    776: "TON",
    780: "TTO",
    784: "ARE",
    788: "TUN",
    792: "TUR",
    795: "TKM",
    796: "TCA",
    800: "UGA",
    804: "UKR",
    807: "MKD",
    818: "EGY",
    826: "GBR",
    831: "GGY",
    832: "JEY",
    833: "IMN",
    834: "TZA",
    840: "USA",
    850: "VIR",
    854: "BFA",
    858: "URY",
    860: "UZB",
    862: "VEN",
    876: "WLF",
    882: "WSM",
    887: "YEM",
    894: "ZMB",
}
# Natural Earth units without an ISO 3166-1 code get a user-assigned X.. code
# (ISO 3166-1 reserves XAA-XZZ for such use; XKX for Kosovo is the common EU/IMF usage).
NO_ISO_CODE = {
    "Kosovo": "XKX",
    "N. Cyprus": "XNC",
    "Somaliland": "XSL",
    "Siachen Glacier": "XSG",
    "Indian Ocean Ter.": "XIO",
}
# Natural Earth abbreviates long names to fit small maps; the course writes them out.
NAME_FIXES = {
    "Antigua and Barb.": "Antigua and Barbuda",
    "Bosnia and Herz.": "Bosnia and Herzegovina",
    "Central African Rep.": "Central African Republic",
    "Dem. Rep. Congo": "Democratic Republic of the Congo",
    "Dominican Rep.": "Dominican Republic",
    "Eq. Guinea": "Equatorial Guinea",
    "Falkland Is.": "Falkland Islands",
    "Fr. S. Antarctic Lands": "French Southern and Antarctic Lands",
    "N. Cyprus": "Northern Cyprus",
    "S. Sudan": "South Sudan",
    "Solomon Is.": "Solomon Islands",
    "W. Sahara": "Western Sahara",
    "United States of America": "United States",
    "Côte d'Ivoire": "Côte d'Ivoire",
    "eSwatini": "Eswatini",
    "Macedonia": "North Macedonia",
}
# Approximate centres (lat, lon) of the Fergana valley enclaves that must survive, with
# the state that owns them. Sources: Wikipedia articles "Sokh District", "Shohimardon",
# "Vorukh" (coordinates rounded to 0.1 degree; the check allows 0.3 degree).
ENCLAVES = {
    "Sokh": ("UZB", 39.95, 71.10),
    "Shakhimardan": ("UZB", 39.98, 71.80),
    "Vorukh": ("TJK", 39.85, 70.58),
}


class GeoBuildError(RuntimeError):
    """The build cannot produce valid output; the message says why."""


def fetch_world_atlas(workdir: Path, tarball: Path | None) -> Path:
    """Unpack the world-atlas npm tarball (running `npm pack` unless given) and return its dir."""
    if tarball is None:
        try:
            out = subprocess.run(
                ["npm", "pack", WORLD_ATLAS, "--silent"],
                cwd=workdir,
                check=True,
                capture_output=True,
                text=True,
            )
        except (OSError, subprocess.CalledProcessError) as exc:
            raise GeoBuildError(
                f"`npm pack {WORLD_ATLAS}` failed ({exc}); install npm or pass --tarball"
            ) from exc
        tarball = workdir / out.stdout.strip().splitlines()[-1]
    with tarfile.open(tarball) as tar:
        tar.extractall(workdir, filter="data")
    return workdir / "package"


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Decode quantised, delta-encoded TopoJSON arcs into lon/lat point lists."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def _ring(arc_ids: list[int], arcs: list) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for arc_id in arc_ids:
        # a negative index ~i means arc i walked backwards
        arc = arcs[arc_id] if arc_id >= 0 else arcs[~arc_id][::-1]
        points.extend(arc if not points else arc[1:])  # consecutive arcs share an end point
    return points


def _polygon(rings: list[list[int]], arcs: list) -> Polygon:
    exterior, *holes = (_ring(r, arcs) for r in rings)
    return Polygon(exterior, holes)


def topology_countries(topology: dict) -> list[dict]:
    """Countries of a world-atlas topology as dicts with iso3, name, geometry (shapely)."""
    arcs = decode_arcs(topology)
    countries = []
    for obj in topology["objects"]["countries"]["geometries"]:
        ne_name = obj["properties"]["name"]
        if obj.get("id"):
            iso3 = ISO_NUMERIC_TO_ALPHA3[int(obj["id"])]
        elif ne_name in NO_ISO_CODE:
            iso3 = NO_ISO_CODE[ne_name]
        else:
            raise GeoBuildError(f"Natural Earth unit {ne_name!r} has no id and no code in NO_ISO_CODE")
        if obj["type"] == "Polygon":
            geom = _polygon(obj["arcs"], arcs)
        elif obj["type"] == "MultiPolygon":
            geom = MultiPolygon([_polygon(p, arcs) for p in obj["arcs"]])
        else:
            continue  # world-atlas has only (Multi)Polygons; ignore anything else
        countries.append({"iso3": iso3, "name": NAME_FIXES.get(ne_name, ne_name), "geometry": geom})
    # Ashmore and Cartier Islands share Australia's numeric id; keep one feature per code
    merged: dict[str, dict] = {}
    for c in countries:
        if c["iso3"] in merged:
            keep = merged[c["iso3"]]
            if c["geometry"].area > keep["geometry"].area:
                c["geometry"] = shapely.union(c["geometry"], keep["geometry"])
                merged[c["iso3"]] = c
            else:
                keep["geometry"] = shapely.union(keep["geometry"], c["geometry"])
        else:
            merged[c["iso3"]] = c
    return list(merged.values())


def _parts(geom) -> list[Polygon]:
    return list(geom.geoms) if hasattr(geom, "geoms") else [geom]


def unwrap_antimeridian(geom):
    """Move parts lying just west of -180 deg (Chukotka) to +180..+190 and merge them.

    Natural Earth cuts Russia at the antimeridian; shifted, Chukotka joins the mainland
    and Leaflet draws Russia in one piece instead of a sliver on the far side of the map.
    """
    parts = _parts(geom)
    if not any(p.bounds[2] <= -160 for p in parts):
        return geom
    shifted = [
        shapely.transform(p, lambda xy: xy + [360.0, 0.0]) if p.bounds[2] <= -160 else p for p in parts
    ]
    return shapely.union_all(shifted)


def drop_small_far_parts(country: dict) -> dict:
    """Remove islets of neighbours far from Central Asia (never parts of the five states)."""
    if country["iso3"] in CENTRAL_ASIA:
        return country
    parts = [p for p in _parts(country["geometry"]) if p.area >= SMALL_PART_SQ_DEG or CORE_BOX.intersects(p)]
    geom = parts[0] if len(parts) == 1 else MultiPolygon(parts)
    return {**country, "geometry": geom}


def round_geometry(geom, grid: float):
    """Snap to a grid (keeps the result valid and shared vertices identical)."""
    return shapely.set_precision(geom, grid)


def _round_coords(value, digits: int):
    if isinstance(value, float):
        return round(value, digits)
    return [_round_coords(v, digits) for v in value]


def feature_collection(countries: list[dict], digits: int) -> dict:
    """GeoJSON FeatureCollection, sorted by iso3 for byte-stable output."""
    features = []
    for c in sorted(countries, key=lambda c: c["iso3"]):
        geometry = mapping(c["geometry"])
        # set_precision leaves float noise such as 71.10000000000001: round for compact text
        geometry = {
            "type": geometry["type"],
            "coordinates": _round_coords(_as_lists(geometry["coordinates"]), digits),
        }
        features.append(
            {
                "type": "Feature",
                "id": c["iso3"],
                "properties": {"iso3": c["iso3"], "name": c["name"]},
                "geometry": geometry,
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _as_lists(value):
    if isinstance(value, tuple | list):
        return [_as_lists(v) for v in value]
    return float(value)


def write_json_atomic(path: Path, data: dict) -> int:
    """Write compact JSON atomically; return the number of bytes written."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=path.parent, delete=False, suffix=".tmp"
    ) as tmp:
        tmp.write(text)
    os.chmod(tmp.name, 0o644)  # NamedTemporaryFile creates 0600; data files are world-readable
    os.replace(tmp.name, path)
    return len(text.encode("utf-8"))


def check_enclaves(countries: dict[str, object]) -> dict[str, tuple[float, float]]:
    """Assert each Fergana enclave is a separate part of its owner lying inside Kyrgyzstan."""
    kyrgyzstan = countries["KGZ"]
    found = {}
    for enclave, (owner, lat, lon) in ENCLAVES.items():
        near = shapely.Point(lon, lat).buffer(0.3)
        parts = [p for p in _parts(countries[owner]) if p.intersects(near) and p.area < 0.2]
        # an enclave touches Kyrgyzstan and lies inside Kyrgyzstan's outer outline
        enclaved = [
            p for p in parts if Polygon(_largest(kyrgyzstan).exterior).contains(p.representative_point())
        ]
        if not enclaved:
            raise GeoBuildError(f"enclave {enclave} ({owner}) is missing after simplification")
        point = enclaved[0].representative_point()
        found[enclave] = (round(point.y, 3), round(point.x, 3))
    return found


def _largest(geom) -> Polygon:
    return max(_parts(geom), key=lambda p: p.area)


def build_central_asia(package: Path) -> tuple[dict, dict]:
    """Regional coverage at 1:50m; returns (FeatureCollection, enclave points)."""
    topology = json.loads((package / "countries-50m.json").read_text(encoding="utf-8"))
    by_code = {c["iso3"]: c for c in topology_countries(topology)}
    missing = sorted(set(REGION) - set(by_code))
    if missing:
        raise GeoBuildError(f"countries missing from world-atlas 1:50m: {missing}")
    region = []
    for code in REGION:
        # make_valid: Natural Earth's Russia self-intersects at Novaya Zemlya (an island, so
        # no shared border moves); coverage_simplify needs valid polygons
        geometry = shapely.make_valid(unwrap_antimeridian(by_code[code]["geometry"]))
        region.append(drop_small_far_parts({**by_code[code], "geometry": geometry}))
    if not shapely.coverage_is_valid([c["geometry"] for c in region]):
        raise GeoBuildError("the regional countries overlap: coverage_simplify would open gaps")
    simplified = shapely.coverage_simplify([c["geometry"] for c in region], SIMPLIFY_TOLERANCE_50M)
    for country, geom in zip(region, simplified, strict=True):
        country["geometry"] = round_geometry(geom, GRID_50M)
        if country["geometry"].is_empty or not country["geometry"].is_valid:
            raise GeoBuildError(f"{country['iso3']} became empty or invalid after simplification")
    enclaves = check_enclaves({c["iso3"]: c["geometry"] for c in region})
    return feature_collection(region, 3), enclaves


def build_world(package: Path) -> dict:
    """Every country outside the regional file at 1:110m (no Antarctica)."""
    topology = json.loads((package / "countries-110m.json").read_text(encoding="utf-8"))
    countries = [c for c in topology_countries(topology) if c["iso3"] not in REGION and c["iso3"] != "ATA"]
    for c in countries:
        # a few 1:110m outlines (Fiji at the antimeridian) are invalid as published
        c["geometry"] = round_geometry(shapely.make_valid(c["geometry"]), GRID_110M)
    return feature_collection([c for c in countries if not c["geometry"].is_empty], 2)


def cross_check_iso_table(path: Path = Path("/usr/share/iso-codes/json/iso_3166-1.json")) -> None:
    """Compare the embedded code table with Debian's iso-codes, when installed."""
    if not path.exists():
        return
    official = {
        int(c["numeric"]): c["alpha_3"] for c in json.loads(path.read_text(encoding="utf-8"))["3166-1"]
    }
    wrong = {n: a for n, a in ISO_NUMERIC_TO_ALPHA3.items() if official.get(n) != a}
    if wrong:
        raise GeoBuildError(f"embedded ISO table disagrees with {path}: {wrong}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tarball", type=Path, help="world-atlas-2.0.2.tgz (default: run npm pack)")
    parser.add_argument("--out", type=Path, default=REPO / "data" / "geo", help="output folder")
    args = parser.parse_args(argv)
    cross_check_iso_table()
    with tempfile.TemporaryDirectory() as tmp:
        package = fetch_world_atlas(Path(tmp), args.tarball.resolve() if args.tarball else None)
        region, enclaves = build_central_asia(package)
        world = build_world(package)
    size = write_json_atomic(args.out / "central_asia.geojson", region)
    if size > MAX_CENTRAL_ASIA_BYTES:
        raise GeoBuildError(
            f"central_asia.geojson is {size} bytes (limit {MAX_CENTRAL_ASIA_BYTES}): raise the tolerance"
        )
    world_size = write_json_atomic(args.out / "world_110m.geojson", world)
    if world_size > MAX_WORLD_BYTES:
        raise GeoBuildError(f"world_110m.geojson is {world_size} bytes (limit {MAX_WORLD_BYTES})")
    print(f"central_asia.geojson: {len(region['features'])} countries, {size} bytes; enclaves at {enclaves}")
    print(f"world_110m.geojson: {len(world['features'])} countries, {world_size} bytes")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except GeoBuildError as error:
        sys.exit(f"make_geo: {error}")
