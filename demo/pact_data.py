"""The demo pact's content (see demo/pact.py): its document (and Torino's; their
texts per language are in demo/texts.py), ten commitments with
their indicators, signatures and progress reports, the programme indicators and the
service deliveries. Invented organisations, people and figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from core.choices import CommitmentStatus
from core.models import ReportFrequency
from demo.texts import (
    ILFOV_GOVERNANCE,
    ILFOV_INTRODUCTION,
    ILFOV_TITLE,
    TORINO_GOVERNANCE,
    TORINO_INTRODUCTION,
    TORINO_PARTNERS,
    TORINO_TITLE,
)
from pacts.models import IndicatorSource
from pacts.monitoring import Evidence
from pacts.publishing import PactDocumentData
from stakeholders.models import DeliveryStatus

DOCUMENT = PactDocumentData(
    title=ILFOV_TITLE["ro"],
    introduction=ILFOV_INTRODUCTION["ro"],
    governance=ILFOV_GOVERNANCE["ro"],
    texts={
        "en": {
            "title": ILFOV_TITLE["en"],
            "introduction": ILFOV_INTRODUCTION["en"],
            "governance": ILFOV_GOVERNANCE["en"],
        }
    },
    partners="\n".join(
        (
            "Camera de Comerț Ilfov (demo)",
            "Asociația Parc Științific Demo",
            "Universitatea Tehnică Demo",
            "Primăria Orașului Demo",
            "ONG Ilfov Verde (demo)",
        )
    ),
    authority_name="Consiliul Județean Ilfov (demo)",
    report_frequency=ReportFrequency.YEARLY,
    licence="CC-BY-4.0",
)


TORINO_DOCUMENT = PactDocumentData(
    title=TORINO_TITLE["it"],
    introduction=TORINO_INTRODUCTION["it"],
    governance=TORINO_GOVERNANCE["it"],
    texts={
        "en": {
            "title": TORINO_TITLE["en"],
            "introduction": TORINO_INTRODUCTION["en"],
            "governance": TORINO_GOVERNANCE["en"],
        }
    },
    partners="\n".join(TORINO_PARTNERS),
    authority_name="Città di Torino (demo)",
    report_frequency=ReportFrequency.YEARLY,
    licence="CC-BY-4.0",
)


@dataclass(frozen=True)
class DemoReport:
    days_ago: int
    value: float
    status: str
    narrative: str
    reason: str = ""
    # Reported by the county's official on the lead's behalf.
    by_official: bool = False
    evidence: Evidence | None = None


@dataclass(frozen=True)
class DemoIndicator:
    name: str
    unit: str
    baseline: float
    target: float


@dataclass(frozen=True)
class DemoCommitment:
    title: str
    action: str
    theme: str
    lead: str
    co_signers: tuple[str, ...]
    indicator: DemoIndicator
    deadline: date
    support_requested: str
    support_promised: str = ""
    # How far it gets: draft, agreed (only co-signers signed) or signed (by all).
    state: str = CommitmentStatus.SIGNED
    # Drafted on the demo workshop's board.
    on_board: bool = False
    reports: tuple[DemoReport, ...] = ()


SOLAR_EVIDENCE = Evidence(
    "solar-output-2025-demo.csv",
    (
        b"building,output_mwh_per_year\n"
        b"Town hall,58\nSchool no. 1,46\nSchool no. 2,44\n"
        b"Sports hall,34\nKindergarten,28\n"
    ),
)

IN_PROGRESS = CommitmentStatus.IN_PROGRESS
COMMITMENTS = (
    DemoCommitment(
        title="Take back and recycle our customers' packaging",
        action=(
            "Collect used cardboard and film packaging from our customers in "
            "returnable crates and turn it into new packaging with a recycler."
        ),
        theme="circular-economy",
        lead="EcoPack Ambalaje SRL",
        co_signers=("Reciclare Popești SRL",),
        indicator=DemoIndicator(
            "Packaging collected back for recycling", "t/yr", 40, 220
        ),
        deadline=date(2028, 12, 31),
        support_requested=(
            "A collection point for packaging at the Otopeni industrial park."
        ),
        support_promised=(
            "The county includes the collection point in its waste management plan."
        ),
        reports=(
            DemoReport(
                70,
                95,
                IN_PROGRESS,
                "Returnable crates placed with our twelve largest customers; "
                "collection runs twice a month.",
            ),
            DemoReport(
                12,
                130,
                IN_PROGRESS,
                "Two supermarket chains joined the take-back scheme.",
            ),
        ),
    ),
    DemoCommitment(
        title="A repair and reuse centre in Popești-Leordeni",
        action=(
            "Open a centre that repairs and resells furniture, appliances and "
            "bicycles collected from households, employing local people."
        ),
        theme="circular-economy",
        lead="Reciclare Popești SRL",
        co_signers=("ONG Ilfov Verde (demo)",),
        indicator=DemoIndicator("Green jobs at the reuse centre", "jobs", 0, 12),
        deadline=date(2027, 12, 31),
        support_requested=(
            "A crowdfunding campaign for the centre's workshop equipment, and a "
            "building the town no longer uses."
        ),
        support_promised=(
            "Crowdfunding support from the pact's experts; the council lends a "
            "former depot for five years."
        ),
        reports=(
            DemoReport(
                30,
                5,
                IN_PROGRESS,
                "The centre opened in spring; five people from the town work in "
                "repair and sales.",
            ),
        ),
    ),
    DemoCommitment(
        title="Furniture from reclaimed timber",
        action=(
            "Replace new timber with reclaimed beams and boards from demolition "
            "sites in the county, cutting the emissions of the wood we buy."
        ),
        theme="circular-economy",
        lead="Mobila Circulară Buftea SRL",
        co_signers=(),
        indicator=DemoIndicator(
            "Emissions of the timber we buy", "t CO2e/yr", 210, 150
        ),
        deadline=date(2029, 6, 30),
        support_requested="Contacts with demolition contractors working in Ilfov.",
        support_promised="Introductions through the county's building permits office.",
        reports=(
            DemoReport(
                20,
                196,
                IN_PROGRESS,
                "A third of our timber now comes from reclaimed beams.",
            ),
        ),
    ),
    DemoCommitment(
        title="Solar panels on Otopeni's public buildings",
        action=(
            "Cover the roofs of the town hall, schools, sports hall and kindergarten "
            "with solar panels and publish their output every month."
        ),
        theme="energy",
        lead="Primăria Orașului Demo",
        co_signers=("Măgurele Photonics Lab SRL",),
        indicator=DemoIndicator("Solar output of public buildings", "MWh/yr", 0, 450),
        deadline=date(2028, 6, 30),
        support_requested="Guidance on EU funding for the remaining roofs.",
        support_promised="The county's EU-funding desk prepares the application.",
        reports=(
            DemoReport(
                80,
                120,
                IN_PROGRESS,
                "Panels installed on the town hall and two schools.",
            ),
            DemoReport(
                9,
                210,
                IN_PROGRESS,
                "The sports hall and the kindergarten are connected; the yearly "
                "output is estimated from the first months of metering.",
                evidence=SOLAR_EVIDENCE,
            ),
        ),
    ),
    DemoCommitment(
        title="Heat pumps and insulation for the Snagov greenhouses",
        action=(
            "Replace the gas boilers of five greenhouses with heat pumps and "
            "insulate their north walls."
        ),
        theme="energy",
        lead="AgroVerde Snagov SRL",
        co_signers=(),
        indicator=DemoIndicator(
            "Greenhouse gas emissions of the farm", "t CO2e/yr", 120, 80
        ),
        deadline=date(2029, 12, 31),
        support_requested="Mentoring on an EU-funded energy efficiency project.",
        reports=(
            DemoReport(
                35,
                104,
                IN_PROGRESS,
                "Heat pumps run in two of the five greenhouses (figures from the "
                "farm's energy bills, entered by the Green Pact unit).",
                by_official=True,
            ),
        ),
    ),
    DemoCommitment(
        title="Electric vans for last-mile deliveries",
        action=(
            "Replace diesel vans with electric ones for deliveries within 30 km of "
            "our Ștefăneștii de Jos depot, with charging points at the depot."
        ),
        theme="mobility",
        lead="LogiStoc Ștefăneștii SRL",
        co_signers=("Primăria Orașului Demo",),
        indicator=DemoIndicator(
            "Share of the delivery fleet that is electric", "%", 5, 60
        ),
        deadline=date(2029, 12, 31),
        support_requested="A faster grid connection for the depot's charging points.",
        support_promised="The county mediates with the grid operator.",
        reports=(
            DemoReport(
                90,
                10,
                IN_PROGRESS,
                "Four electric vans leased.",
            ),
            DemoReport(
                6,
                12,
                CommitmentStatus.AT_RISK,
                "Two more vans delivered; further orders are paused.",
                reason=(
                    "The grid connection for the charging points is delayed by "
                    "about a year."
                ),
            ),
        ),
    ),
    DemoCommitment(
        title="Energy monitoring for 25 local SMEs",
        action=(
            "Install sensors and a shared energy dashboard in 25 small companies "
            "of the county, free of charge until 2027."
        ),
        theme="green-digital",
        lead="Măgurele Photonics Lab SRL",
        co_signers=("DigitalFarm Ilfov SRL",),
        indicator=DemoIndicator("SMEs with real-time energy monitoring", "SMEs", 0, 25),
        deadline=date(2027, 6, 30),
        support_requested="Help to recruit companies through the county's newsletter.",
        support_promised="Two calls in the county's business newsletter.",
        reports=(
            DemoReport(
                100,
                11,
                IN_PROGRESS,
                "Eleven companies connected, most of them in Măgurele and Otopeni.",
            ),
            DemoReport(
                4,
                25,
                CommitmentStatus.DONE,
                "All 25 companies have a live energy dashboard.",
            ),
        ),
    ),
    DemoCommitment(
        title="A local food hub supplying school canteens",
        action=(
            "Run a small warehouse that collects produce from Ilfov farms and "
            "delivers it weekly to school canteens."
        ),
        theme="value-chains",
        lead="ONG Ilfov Verde (demo)",
        co_signers=("AgroVerde Snagov SRL", "DigitalFarm Ilfov SRL"),
        indicator=DemoIndicator("Green jobs in the food hub", "jobs", 0, 8),
        deadline=date(2028, 9, 1),
        support_requested="Canteen contracts that favour local produce.",
        support_promised="Local produce criteria in the county's canteen tenders.",
        reports=(
            DemoReport(
                15,
                3,
                IN_PROGRESS,
                "The warehouse runs with three staff; canteens in Tunari and "
                "Otopeni are supplied weekly.",
            ),
        ),
    ),
    DemoCommitment(
        title="Deposit-return cups for cafés",
        action=(
            "Offer cafés in Pantelimon and Popești-Leordeni reusable cups with a "
            "deposit, washed and returned by us."
        ),
        theme="circular-economy",
        lead="Reciclare Popești SRL",
        co_signers=(),
        indicator=DemoIndicator("Single-use cups avoided", "thousand cups/yr", 0, 150),
        deadline=date(2028, 12, 31),
        support_requested="Help to recruit cafés.",
        state=CommitmentStatus.DRAFT,
        on_board=True,
    ),
    DemoCommitment(
        title="Solar-powered cold storage for Corbeanca growers",
        action=(
            "Build shared cold stores powered by solar panels, so that small "
            "growers can sell later in the season."
        ),
        theme="energy",
        lead="DigitalFarm Ilfov SRL",
        co_signers=("AgroVerde Snagov SRL",),
        indicator=DemoIndicator("Solar output of the cold stores", "MWh/yr", 0, 60),
        deadline=date(2030, 6, 30),
        support_requested="A building permit within three months.",
        state=CommitmentStatus.AGREED,
        on_board=True,
    ),
)


@dataclass(frozen=True)
class DemoProgrammeIndicator:
    name: str
    unit: str
    source: str
    service: str | None = None
    commitments: tuple[str, ...] = ()


PROGRAMME_INDICATORS = (
    DemoProgrammeIndicator(
        "Green jobs created",
        "jobs",
        IndicatorSource.COMMITMENTS,
        commitments=(
            "A repair and reuse centre in Popești-Leordeni",
            "A local food hub supplying school canteens",
        ),
    ),
    DemoProgrammeIndicator(
        "Greenhouse gas emissions avoided",
        "t CO2e/yr",
        IndicatorSource.COMMITMENTS,
        commitments=(
            "Furniture from reclaimed timber",
            "Heat pumps and insulation for the Snagov greenhouses",
        ),
    ),
    DemoProgrammeIndicator(
        "SMEs mentored", "SMEs", IndicatorSource.SERVICE, service="mentoring"
    ),
)


@dataclass(frozen=True)
class DemoDelivery:
    organisation: str
    service: str
    expert: str
    status: str
    days_ago: int
    outcome: str = ""
    amount_raised: float | None = None


DELIVERIES = (
    DemoDelivery(
        "EcoPack Ambalaje SRL",
        "mentoring",
        "Ioana Mentor (demo)",
        DeliveryStatus.DELIVERED,
        120,
        "An innovation plan for the take-back scheme.",
    ),
    DemoDelivery(
        "Mobila Circulară Buftea SRL",
        "mentoring",
        "Ioana Mentor (demo)",
        DeliveryStatus.DELIVERED,
        90,
        "A costed plan for sourcing reclaimed timber.",
    ),
    DemoDelivery(
        "DigitalFarm Ilfov SRL",
        "mentoring",
        "Mihai Expert (demo)",
        DeliveryStatus.IN_PROGRESS,
        40,
    ),
    DemoDelivery(
        "Reciclare Popești SRL",
        "crowdfunding",
        "Mihai Expert (demo)",
        DeliveryStatus.DELIVERED,
        150,
        "The campaign for the reuse centre's equipment reached its goal.",
        amount_raised=14500,
    ),
)
