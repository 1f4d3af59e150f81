"""The substances the Kazakhstan scenario is about, as the labs of the story report them.

Each :class:`Substance` carries its free-base SMILES (checked against the formula by a test), the
InChIKey of that free base (for an unlisted substance without defined stereo it is also the match
key, so ``"KZ-" + inchikey`` is the id its alert will have), the forms it is seized in, the names
labs give it, and the variants labs report (a salt, one enantiomer) that standardisation must bring
back to the same substance.

>>> ALPHA_PHP.salt_forms[0]
'CCCCC(C(=O)c1ccccc1)N1CCCC1.Cl'
>>> ALPHA_PHP.listed_in_kz, MEPHEDRONE.listed_in_kz
(False, True)
"""

from __future__ import annotations

from dataclasses import dataclass

from contracts.seizure import Form

HCL = "Cl"
CITRIC_ACID = "OC(=O)CC(O)(CC(=O)O)C(=O)O"


@dataclass(frozen=True)
class Substance:
    name: str
    smiles: str
    """Free base, no stereo: the structure as a legal text names it."""
    formula: str
    inchikey: str
    """Standard InChIKey of ``smiles`` (a test recomputes it with RDKit)."""
    family: str
    forms: tuple[Form, ...]
    lab_names: tuple[str, ...]
    """Names labs report it under, the first being the usual one. Alerts list names sorted, so
    the usual name is chosen to sort first (what an analyst sees as the substance's label)."""
    listed_in_kz: bool
    """Whether the KZ baseline list names it (a test checks this against the list)."""
    counter_ions: tuple[str, ...] = ()
    """Salts labs report it as, each a SMILES fragment added with '.'."""
    stereo_smiles: tuple[str, ...] = ()
    """Single enantiomers a lab with chiral analysis may report."""

    @property
    def salt_forms(self) -> tuple[str, ...]:
        return tuple(f"{self.smiles}.{ion}" for ion in self.counter_ions)

    @property
    def reported_variants(self) -> tuple[str, ...]:
        """Every SMILES a lab of the story may report for it: free base, salts, enantiomers."""
        return (self.smiles, *self.salt_forms, *self.stereo_smiles)


# --- unlisted in Kazakhstan at the start of the year: the analogues the story is about ---------

ALPHA_PHP = Substance(
    name="alpha-PHP",
    smiles="CCCCC(C(=O)c1ccccc1)N1CCCC1",
    formula="C16H23NO",
    inchikey="KYIJLDDXQWBNGX-UHFFFAOYSA-N",
    family="cathinone",
    forms=(Form.CRYSTALS, Form.POWDER),
    lab_names=("alpha-PHP", "α-PHP", "alpha-pyrrolidinohexanophenone"),
    listed_in_kz=False,
    counter_ions=(HCL,),
    stereo_smiles=("CCCC[C@H](C(=O)c1ccccc1)N1CCCC1",),
)
N_ETHYLHEXEDRONE = Substance(
    name="N-ethylhexedrone",
    smiles="CCCCC(NCC)C(=O)c1ccccc1",
    formula="C14H21NO",
    inchikey="CWNKMHIETKEBCA-UHFFFAOYSA-N",
    family="cathinone",
    forms=(Form.CRYSTALS, Form.POWDER),
    lab_names=("N-ethylhexedrone", "NEH", "hexen"),
    listed_in_kz=False,
    counter_ions=(HCL,),
)

FOUR_CEC = Substance(
    name="4-CEC",
    smiles="CCNC(C)C(=O)c1ccc(Cl)cc1",
    formula="C11H14ClNO",
    inchikey="RNBCGEIZCHBTGL-UHFFFAOYSA-N",
    family="cathinone",
    forms=(Form.CRYSTALS, Form.POWDER),
    lab_names=("4-CEC", "4-chloroethcathinone"),
    listed_in_kz=False,
    counter_ions=(HCL,),
)

ALPHA_PIHP = Substance(
    name="alpha-PiHP",
    smiles="CC(C)CC(C(=O)c1ccccc1)N1CCCC1",
    formula="C16H23NO",
    inchikey="UOZWZANRCOALQL-UHFFFAOYSA-N",
    family="cathinone",
    forms=(Form.CRYSTALS, Form.POWDER),
    lab_names=("alpha-PiHP", "α-PiHP"),
    listed_in_kz=False,
    counter_ions=(HCL,),
)
MDMB_4EN_PINACA = Substance(
    name="MDMB-4en-PINACA",
    smiles="C=CCCCn1nc(C(=O)NC(C(=O)OC)C(C)(C)C)c2ccccc21",
    formula="C20H27N3O3",
    inchikey="LWOCBHBFWNGPGM-UHFFFAOYSA-N",
    family="synthetic_cannabinoid",
    forms=(Form.HERBAL, Form.HERBAL, Form.POWDER),
    lab_names=("MDMB-4en-PINACA", "MDMB-PENINACA"),
    listed_in_kz=False,
)
ADB_4EN_PINACA = Substance(
    name="ADB-4en-PINACA",
    smiles="C=CCCCn1nc(C(=O)NC(C(N)=O)C(C)(C)C)c2ccccc21",
    formula="C19H26N4O2",
    inchikey="NXDLAZXBALPFSN-UHFFFAOYSA-N",
    family="synthetic_cannabinoid",
    forms=(Form.HERBAL, Form.HERBAL, Form.POWDER),
    lab_names=("ADB-4en-PINACA",),
    listed_in_kz=False,
)
PROTONITAZENE = Substance(
    name="protonitazene",
    smiles="CCCOc1ccc(Cc2nc3cc([N+](=O)[O-])ccc3n2CCN(CC)CC)cc1",
    formula="C23H30N4O3",
    inchikey="SJHUJFHOXYDSJY-UHFFFAOYSA-N",
    family="nitazene",
    forms=(Form.POWDER, Form.TABLETS),
    lab_names=("protonitazene",),
    listed_in_kz=False,
    counter_ions=(HCL, CITRIC_ACID),
)
BROMAZOLAM = Substance(
    name="bromazolam",
    smiles="Cc1nnc2n1-c1ccc(Br)cc1C(c1ccccc1)=NC2",
    formula="C17H13BrN4",
    inchikey="KCEIOBKDDQAYCM-UHFFFAOYSA-N",
    family="benzodiazepine",
    forms=(Form.TABLETS,),
    lab_names=("bromazolam",),
    listed_in_kz=False,
)

# --- listed in the KZ baseline: seizures of these must never raise an alert ---------------------

MEPHEDRONE = Substance(
    name="mephedrone",
    smiles="CNC(C)C(=O)c1ccc(C)cc1",
    formula="C11H15NO",
    inchikey="YELGFTGWJGBAQU-UHFFFAOYSA-N",
    family="cathinone",
    forms=(Form.CRYSTALS, Form.POWDER),
    lab_names=("mephedrone", "4-MMC"),
    listed_in_kz=True,
    counter_ions=(HCL,),
)
ALPHA_PVP = Substance(
    name="alpha-PVP",
    smiles="CCCC(C(=O)c1ccccc1)N1CCCC1",
    formula="C15H21NO",
    inchikey="YDIIDRWHPFMLGR-UHFFFAOYSA-N",
    family="cathinone",
    forms=(Form.CRYSTALS, Form.POWDER),
    lab_names=("alpha-PVP", "α-PVP"),
    listed_in_kz=True,
    counter_ions=(HCL,),
)
METHAMPHETAMINE = Substance(
    name="methamphetamine",
    smiles="CNC(C)Cc1ccccc1",
    formula="C10H15N",
    inchikey="MYWUZJCMWCOHBA-UHFFFAOYSA-N",
    family="stimulant",
    forms=(Form.CRYSTALS,),
    lab_names=("methamphetamine",),
    listed_in_kz=True,
    counter_ions=(HCL,),
)
HEROIN = Substance(
    name="heroin",
    smiles="CC(=O)O[C@H]1C=C[C@H]2[C@H]3Cc4ccc(OC(C)=O)c5c4[C@@]2(CCN3C)[C@H]1O5",
    formula="C21H23NO5",
    inchikey="GVGLGOZIDCSQPN-PVHGPHFFSA-N",
    family="opioid",
    forms=(Form.POWDER,),
    lab_names=("heroin", "diacetylmorphine"),
    listed_in_kz=True,
)
MDMA = Substance(
    name="MDMA",
    smiles="CNC(C)Cc1ccc2c(c1)OCO2",
    formula="C11H15NO2",
    inchikey="SHXWCVYOXRDMCX-UHFFFAOYSA-N",
    family="phenethylamine",
    forms=(Form.TABLETS, Form.CRYSTALS),
    lab_names=("MDMA",),
    listed_in_kz=True,
    counter_ions=(HCL,),
)
ADB_BUTINACA = Substance(
    name="ADB-BUTINACA",
    smiles="CCCCn1nc(C(=O)NC(C(N)=O)C(C)(C)C)c2ccccc21",
    formula="C18H26N4O2",
    inchikey="GPWADXHYJAZPAX-UHFFFAOYSA-N",
    family="synthetic_cannabinoid",
    forms=(Form.HERBAL,),
    lab_names=("ADB-BUTINACA",),
    listed_in_kz=True,
)

# --- not controlled anywhere, not an analogue of anything: must never raise an alert ------------

CAFFEINE = Substance(
    name="caffeine",
    smiles="Cn1c(=O)c2c(ncn2C)n(C)c1=O",
    formula="C8H10N4O2",
    inchikey="RYYVLZVUVIJVGH-UHFFFAOYSA-N",
    family="adulterant",
    forms=(Form.POWDER,),
    lab_names=("caffeine",),
    listed_in_kz=False,
)

ANALOGUES = (
    ALPHA_PHP,
    ALPHA_PIHP,
    N_ETHYLHEXEDRONE,
    FOUR_CEC,
    MDMB_4EN_PINACA,
    ADB_4EN_PINACA,
    PROTONITAZENE,
    BROMAZOLAM,
)
LISTED = (MEPHEDRONE, ALPHA_PVP, METHAMPHETAMINE, HEROIN, MDMA, ADB_BUTINACA)
ALL_SUBSTANCES = (*ANALOGUES, *LISTED, CAFFEINE)
