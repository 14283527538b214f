"""Public allele-frequency tables shipped inside the package (see ``data/README.md``)."""

from __future__ import annotations

from importlib.resources import files

from kintrace.kinship.markers import FrequencyTable, parse_frequency_csv

NORWEGIAN_FILE = "forrel_NorwegianFrequencies.csv"
"""35 autosomal STRs, Norwegian population (Dupuy et al. 2013), as in R package forrel 1.8.0."""

CORE_23 = (
    "D3S1358", "TH01", "D21S11", "D18S51", "PENTA_E", "D5S818", "D13S317", "D7S820", "D16S539",
    "CSF1PO", "PENTA_D", "VWA", "D8S1179", "TPOX", "FGA", "D19S433", "D2S1338", "D10S1248",
    "D1S1656", "D22S1045", "D2S441", "D12S391", "SE33",
)  # fmt: skip
"""The 20 CODIS core loci plus Penta E, Penta D and SE33, in the table's order."""


def norwegian_frequencies() -> FrequencyTable:
    """Load the Norwegian frequency table shipped with kintrace (forrel::NorwegianFrequencies).

    >>> table = norwegian_frequencies()
    >>> len(table.names), table["TH01"].xlinked
    (35, False)
    """
    resource = files("kintrace.kinship").joinpath("data", NORWEGIAN_FILE)
    text = resource.read_text(encoding="utf-8")
    return parse_frequency_csv(text, source=NORWEGIAN_FILE)
