"""Group (generic) definitions for the main families of new psychoactive substances.

Each rule is a contracts ``GroupDefinition``: a core pattern in SMARTS, exclusions in SMARTS and the
wording a legal text would use. A family may need several rules (a synthetic cannabinoid can be a
carboxamide, a ketone or an acetamide). Which rules are *law* in a jurisdiction is decided by its
legislation events; this module only offers them. :class:`CompiledGroup` does the matching.

>>> from rdkit import Chem
>>> rule = compile_group(rule_named("cathinones"))
>>> rule.match(Chem.MolFromSmiles("CCCCC(N1CCCC1)C(=O)c1ccccc1")) is not None   # alpha-PHP
True
>>> rule.match(Chem.MolFromSmiles("CC(NC(C)(C)C)C(=O)c1cccc(Cl)c1")) is None    # bupropion
True
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from rdkit import Chem

from contracts.substances import GroupDefinition

_AMINE = "[NX3;!$(N-[C,S]=[O,S,N]);!$(N-a);!$(N-[N,O])]"
"""A basic amine nitrogen: not an amide, sulfonamide, amidine, aniline, hydrazine or N-oxide."""

_CHAIN_AMINE = "[NX3;!R;!$(N-[C,S]=[O,S,N]);!$(N-a);!$(N-[N,O])]"
"""A basic amine nitrogen outside any ring: hydrogen, alkyl or benzyl substituents only."""

_NOT_BETA_HYDROXY = "[CX4;!$(C-[OX2H1])]"
"""The phenethylamine's beta carbon, not bearing a hydroxyl (the adrenergic medicines: methoxamine,
midodrine); a beta-methoxy group (the BOx series) is a hallucinogen's."""

_RING_ALKYL_ALKOXY_HALIDE = "$(c-[F,Cl,Br,I]),$(c-[CX4;!$(C-[!#6])]),$(c-[OX2]-[CX4])"
"""An aromatic carbon carrying a halide, an alkyl (no heteroatom on its first carbon: not CF3) or
an alkoxy or alkylenedioxy group."""

_ERGOLINE_8 = "[#6]1~[#6]~[#7]~[#6]2~[#6]~c3c[nX3]c4cccc(c34)~[#6]~2~[#6]~1"
"""The ergoline ring system from its 8-position (bonds left open: 9,10-didehydro or not)."""
_ERGOLINE = _ERGOLINE_8.replace("[#6]1", "[#6;R]1", 1)

_SETRON_HEAD = "[CX3](=O)-[#7,#8]-[CX4;R]~[CX4;R]~[CX4;R2]~[NX3;R2]"
"""An amide or ester of a bridged bicyclic amine (granisetron, tropisetron): the 5-HT3
antagonists' head, not a synthetic cannabinoid's."""

_INDOLE_2_ALKYL = "[CX3](=O)-c1c(-[CX4;!$([CH3])])n(-[#6])c2ccccc12"
"""A 3-carbonyl indole with a 2-alkyl group larger than methyl (umifenovir), not a cannabinoid."""

FAMILY_RULES: tuple[GroupDefinition, ...] = (
    GroupDefinition(
        name="cathinones",
        family="synthetic cathinones",
        smarts=f"{_AMINE}-[CX4;!R](-[#6])-[CX3](=O)-a",
        exclusions=["CC(NC(C)(C)C)C(=O)c1cccc(Cl)c1"],
        description=(
            "Any compound structurally derived from 2-amino-1-arylpropan-1-one (cathinone) by "
            "substitution in the aromatic ring, extension of the alkyl chain at the 2-position, or "
            "substitution or inclusion in a ring of the amine nitrogen; bupropion excepted."
        ),
    ),
    GroupDefinition(
        name="cannabinoids-azole-3-carbonyl",
        family="synthetic cannabinoid receptor agonists",
        smarts=(
            "[CX3;!R](=O)(-[#6,#7,$([OX2H0]-[#6])])-c1:[c,n]:n(-[#6;!$([CX3]=O)])"
            ":c2:[c,n]:[c,n]:[c,n]:[c,n]:c:1:2"
        ),
        exclusions=[_SETRON_HEAD, _INDOLE_2_ALKYL],
        description=(
            "Any 1-substituted indole, indazole or azaindole carrying at the 3-position a carbonyl "
            "group (ketone, carboxamide or carboxylic ester), whatever the substituents; excepted "
            "are esters and amides of bridged bicyclic amines (granisetron) and indoles with a "
            "2-alkyl group larger than methyl (umifenovir)."
        ),
    ),
    GroupDefinition(
        name="cannabinoids-2h-indazole-3-carbonyl",
        family="synthetic cannabinoid receptor agonists",
        smarts=(
            "[CX3;!R](=O)(-[#6,#7,$([OX2H0]-[#6]),OX2H1,OX1-])-c1n(-[#6;!$([CX3]=O)])nc2ccccc12"
        ),
        exclusions=[_SETRON_HEAD],
        description=(
            "Any 2-substituted 2H-indazole carrying at the 3-position a carbonyl group (the "
            "regioisomers of the indazole carboxamides and esters, and their acids)."
        ),
    ),
    GroupDefinition(
        name="cannabinoids-tail-less-heads",
        family="synthetic cannabinoid receptor agonists",
        smarts=(
            "[CX3;!R](=O)(-[NX3H1]-[$([CX4](-[CX3](=O)-[#7,#8])-[#6]),"
            "$([CX4](-[CH3])(-[CH3])-c1ccccc1)])"
            "-[$(c1:[c,n]:n:c2:[c,n]:[c,n]:[c,n]:[c,n]:c:1:2),"
            "$([CH2]-c1:[c,n]:n:c2:[c,n]:[c,n]:[c,n]:[c,n]:c:1:2)]"
        ),
        description=(
            "Any indole, indazole or azaindole 3-carboxamide (or 3-acetamide) of an amino acid "
            "amide or ester or of cumylamine (2-phenylpropan-2-amine), substituted at the ring "
            "nitrogen or not: the 'tail-less' heads (ADB-INACA, MDMB-INACA, CUMYL-INACA) sold to "
            "make synthetic cannabinoids by one alkylation, and their alkylated products."
        ),
    ),
    GroupDefinition(
        name="cannabinoids-carbazoles",
        family="synthetic cannabinoid receptor agonists",
        smarts="[CX3;!R](=O)(-[#6,#7,$([OX2H0]-[#6])])-c1ccc2c(c1)c1ccccc1n2-[#6;!$([CX3]=O)]",
        description=(
            "Any 9-substituted carbazole carrying at the 3-position a carbonyl group (ketone, "
            "carboxamide or ester: the EG-018 and MDMB-CHMCZCA types)."
        ),
    ),
    GroupDefinition(
        name="cannabinoids-azole-3-acetyl",
        family="synthetic cannabinoid receptor agonists",
        smarts=(
            "[CX3](=O)(-[#6,#7,$([OX2H0]-[#6])])-[CH2]-c1:[c,n]:n(-[#6;!$([CX3]=O)])"
            ":c2:[c,n]:[c,n]:[c,n]:[c,n]:c:1:2"
        ),
        description=(
            "Any 1-substituted indole, indazole or azaindole carrying at the 3-position an "
            "acetyl group (arylacetyl ketone, acetamide or acetic ester)."
        ),
    ),
    GroupDefinition(
        name="cannabinoids-azole-3-carboxylic-acids",
        family="synthetic cannabinoid receptor agonists",
        smarts=(
            "c1(-[$([CX3](=O)-[OX2H1,OX1-]),$([CH2]-[CX3](=O)-[OX2H1,OX1-])])"
            ":[c,n]:n(-[CX4]):c2:[c,n]:[c,n]:[c,n]:[c,n]:c:1:2"
        ),
        exclusions=[_INDOLE_2_ALKYL, "n-[CH2]-c1ccc(-[F,Cl,Br,I])cc1-[F,Cl,Br,I]"],
        description=(
            "Any indole, indazole or azaindole carrying an alkyl, cycloalkylmethyl or benzyl "
            "group at the 1-position and a carboxylic or acetic acid at the 3-position: the "
            "acids that are the synthetic cannabinoids' precursors (one amide or ester coupling "
            "away) and their ester-hydrolysis "
            "metabolites; not an agonist itself, so outside the legal wording of the carbonyl "
            "clauses, and evidence of the family only. Excepted are indoles with a 2-alkyl group "
            "larger than methyl and 1-(2,4-dihalobenzyl) compounds (lonidamine, a medicine)."
        ),
    ),
    GroupDefinition(
        name="cannabinoids-oxindole-hydrazone",
        family="synthetic cannabinoid receptor agonists",
        smarts=(
            "[#8]~[#6]1~[#6](~[#7]~[#7]~[#6](=[#8])-[#6])~[#6]2~[#6]~[#6]~[#6]~[#6]~[#6]~2~[#7]~1"
            "-[#6;!$([CX3]=O)]"
        ),
        description=(
            "Any 1-substituted 2-oxindole 3-(acylhydrazone) (the 'OXIZID' type), in either "
            "tautomeric form."
        ),
    ),
    GroupDefinition(
        name="cannabinoids-naphthoylindoles",
        family="synthetic cannabinoid receptor agonists",
        smarts="O=C(-c1cn(-[#6;!$([CX3]=O)])c2ccccc12)-c1cccc2ccccc12",
        description=(
            "Any 3-(1-naphthoyl)indole substituted at the nitrogen atom of the indole ring, "
            "whatever the further substituents of the indole or naphthyl rings (the JWH type; "
            "the first generic cannabinoid clauses, 2009-2012)."
        ),
    ),
    GroupDefinition(
        name="cannabinoids-naphthoyl-pyrroles-and-benzimidazoles",
        family="synthetic cannabinoid receptor agonists",
        smarts="O=C(-c1cccc2ccccc12)-[c;$(c1:c:n(-[CX4]):c:c:1),$(c1:n:c2ccccc2:n:1-[CX4])]",
        description=(
            "Any 1-substituted 3-(1-naphthoyl)pyrrole or 2-(1-naphthoyl)benzimidazole, whatever "
            "the further substituents."
        ),
    ),
    GroupDefinition(
        name="cannabinoids-naphthylmethyl-indoles-and-indenes",
        family="synthetic cannabinoid receptor agonists",
        smarts=(
            "[#6;!R;!$(*=[#8])](-c1cccc2ccccc12)~[#6;R]1~[#6]"
            "~[$([#7]-[#6;!$([CX3]=O)]),$([#6]-[CX4])]~c2ccccc~21"
        ),
        description=(
            "Any 1H-indol-3-yl-(1-naphthyl)methane substituted at the nitrogen atom of the "
            "indole ring, and any 1-(1-naphthylmethyl)- or 1-(1-naphthylmethylene)indene "
            "substituted at the 3-position by an alkyl group, whatever the further substituents "
            "(the JWH-175 and JWH-176 types; the UK's 2009 generic cannabinoid clauses)."
        ),
    ),
    GroupDefinition(
        name="cannabinoids-pyrazole-carboxamides",
        family="synthetic cannabinoid receptor agonists",
        smarts=("[CX3;!R](=O)(-[#7])-[c;$(c1:c:c(-a):n(-[CX4]):n:1),$(c1:c:c(-a):n:n:1-[CX4])]"),
        description=(
            "Any 1-substituted 3- or 5-aryl-pyrazole carboxamide with the carboxamide and the "
            "aryl group at the 3- and 5-positions (the 'PYCA' type)."
        ),
    ),
    GroupDefinition(
        name="cannabinoids-gamma-carbolinones",
        family="synthetic cannabinoid receptor agonists",
        smarts=(
            "[#8]=[#6]1~[#7](-[#6])~[#6]~[#6]~[#6]2~[#7](-[#6])~[#6]3~[#6]~[#6]~[#6]~[#6]~[#6]~3"
            "~[#6]~2~1"
        ),
        exclusions=["[#7]-[CH2]-c1[nX2]c[nX3]c1", "[#7]-[CH2]-c1[nX3]c[nX2]c1"],
        description=(
            "Any 2,5-disubstituted pyrido[4,3-b]indol-1-one (gamma-carbolinone, the 'GACLONE' "
            "type); imidazol-4-ylmethyl derivatives (alosetron) excepted."
        ),
    ),
    GroupDefinition(
        name="cannabinoids-sulfamoylbenzoates",
        family="synthetic cannabinoid receptor agonists",
        smarts="[#6;a]-[OX2]-[CX3](=O)-c1cccc(-[SX4](=O)(=O)-[NX3])c1",
        description=(
            "Any aryl ester of a 3-sulfamoylbenzoic acid, whatever the other substituents (QMPSB, "
            "QMMSB, QMiPSB, 2F-QMPSB: the German NpSG's group of compounds derived from "
            "3-sulfonylamidobenzoic acid); the amides (indapamide) and the acids (the diuretics "
            "bumetanide, furosemide) fall outside."
        ),
    ),
    GroupDefinition(
        name="cannabinoids-classical",
        family="synthetic cannabinoid receptor agonists",
        smarts="[#6]1~[#6]~[#6]~[#6]2~[#6](~[#6]~1)-c1c(-[OX2])cc(-[#6])cc1-[OX2]-[#6]-2",
        description=(
            "Any 6H-benzo[c]chromen-1-ol with a 3-alkyl chain and a partly or fully saturated "
            "C ring (tetrahydrocannabinol, hexahydrocannabinol and their analogues)."
        ),
    ),
    GroupDefinition(
        name="cannabinoids-cyclohexylphenols",
        family="synthetic cannabinoid receptor agonists",
        smarts="[OX2H1]-c1cc(-[CX4])ccc1-[CX4;R1]1-[CX4]-[CX4](-[OX2])-[CX4]-[CX4]-[CX4]-1",
        description=(
            "Any 2-(3-hydroxycyclohexyl)phenol substituted at the 5-position of the phenol ring "
            "by an alkyl group (the CP 47,497 type)."
        ),
    ),
    GroupDefinition(
        name="fentanyl-related",
        family="fentanyl-related substances",
        smarts=(
            "[CX3](=O)-[NX3](-a)-[CX4;R1]1-[CX4;R1]-[CX4;R1]-[NX3](-[CX4]-[CX4]-[#6,#7;R])"
            "-[CX4;R1]-[CX4;R1]-1"
        ),
        description=(
            "Any substance structurally related to fentanyl, N-(1-(2-phenylethyl)-4-piperidinyl)"
            "-N-phenylpropanamide, by one or more of: replacement of the phenyl of the phenethyl "
            "group by any monocycle; substitution in or on the phenethyl group; substitution in or "
            "on the piperidine ring; replacement of the aniline ring by any aromatic monocycle; "
            "replacement of the N-propionyl group by another acyl group."
        ),
    ),
    GroupDefinition(
        name="4-anilinopiperidines",
        family="fentanyl-related substances",
        smarts=("[NX3](-c1ccccc1)-[CX4;R1]1-[CX4;R1]-[CX4;R1]-[NX3;!$(N-a)]-[CX4;R1]-[CX4;R1]-1"),
        description=(
            "Any N-phenylpiperidin-4-amine, acylated or not at the aniline nitrogen, whatever the "
            "substituent of the piperidine nitrogen (fentanyl's core: 4-ANPP, the norfentanyls "
            "and the N-benzyl and other homologues the fentanyl-related clause leaves out)."
        ),
    ),
    GroupDefinition(
        name="u-series-benzamides",
        family="synthetic benzamide opioids",
        smarts=(
            "[CX3;$(C-a),$(C-[CH2]-a),$(C-[NX3]-a)](=O)-[NX3]-!@[CX4;R]"
            "@[CX4;R]-!@[NX3;!$(N-[C,S]=[O,S,N]);!$(N-a);!$(N-[N,O])]"
        ),
        description=(
            "Any N-[2-(amino)cycloalkyl] aroyl-, arylacetyl- or anilide amide: a ring carbon "
            "bearing the amide nitrogen next to a ring carbon bearing a basic amine, both outside "
            "the ring (U-47700, U-49900, U-48800 and their analogues)."
        ),
    ),
    GroupDefinition(
        name="ah-series-benzamides",
        family="synthetic benzamide opioids",
        smarts=(
            "[CX3](=O)(-a)-[NX3]-[CH2]-[CX4;R]-!@[NX3;!$(N-[C,S]=[O,S,N]);!$(N-a);!$(N-[N,O])]"
        ),
        description=(
            "Any N-[(1-aminocycloalkyl)methyl]benzamide, the amine outside the ring (AH-7921 and "
            "its analogues)."
        ),
    ),
    GroupDefinition(
        name="mt-45-piperazines",
        family="diarylethylpiperazine opioids",
        smarts="a-[CX4]-[CX4](-a)-[NX3]1-[CX4]-[CX4]-[NX3](-[CX4])-[CX4]-[CX4]-1",
        description=(
            "Any 1-(1,2-diarylethyl)piperazine with an alkyl or cycloalkyl group on the other "
            "nitrogen (MT-45 and its fluorinated analogues)."
        ),
    ),
    GroupDefinition(
        name="methadone-type",
        family="diphenylpropylamine opioids",
        smarts=(
            "[CX3](=O)(-[#6])-[CX4](-a)(-a)-[CX4]-[CX4]-[NX3;!$(N-[C,S]=[O,S,N]);!$(N-a);"
            "!$(N-[N,O])]"
        ),
        description=(
            "Any 4,4-diaryl-4-acyl-butylamine or -propylamine ketone: a carbon bearing two aryl "
            "groups and a ketone, two carbons from a basic amine (methadone and its pyrrolidine, "
            "piperidine and homologous analogues); the amides (loperamide type) excepted."
        ),
    ),
    GroupDefinition(
        name="tramadol-type",
        family="aminomethylcyclohexanol opioids",
        smarts=(
            "[CX4;R1]1(-[OX2])(-c2ccccc2)-[CX4;R1](-[CH2]-[NX3;!$(N-[C,S]=[O,S,N]);!$(N-a);"
            "!$(N-[N,O])])-[CX4;R1]-[CX4;R1]-[CX4;R1]-[CX4;R1]-1"
        ),
        description=(
            "Any 2-(aminomethyl)-1-phenylcyclohexan-1-ol, its ethers and esters, whatever the "
            "substituents of the ring and of the amine (tramadol, O-desmethyltramadol and their "
            "analogues); venlafaxine and desvenlafaxine, whose aryl sits on the side chain, fall "
            "outside."
        ),
    ),
    GroupDefinition(
        name="nitazenes",
        family="2-benzylbenzimidazole opioids",
        smarts=f"c1ccc2c(c1)nc(-[CX4]-c1ccccc1)n2-[CX4]-[CX4]-{_AMINE}",
        description=(
            "Any 2-benzylbenzimidazole carrying on the 1-nitrogen a 2-aminoethyl group, whatever "
            "the substituents of the rings and of the amine (the 'nitazenes')."
        ),
    ),
    GroupDefinition(
        name="nitazene-phenethyl-homologues",
        family="2-benzylbenzimidazole opioids",
        smarts=f"c1ccc2c(c1)nc(-[CX4]-[CX4]-c1ccccc1)n2-[CX4]-[CX4]-{_AMINE}",
        description=(
            "Any 2-(2-phenylethyl)benzimidazole carrying on the 1-nitrogen a 2-aminoethyl "
            "group: the nitazenes' homologues with one more carbon between the rings."
        ),
    ),
    GroupDefinition(
        name="benzodiazepines",
        family="designer benzodiazepines",
        smarts="[#6]-[#6]1=[#7]-[#6]~[#6]~[#7]~[#6;a]:[#6;a]-1",
        description=(
            "Any 1,4-diazepine with a carbon substituent at the 5-position, fused at the "
            "6,7-bond to an aromatic ring (benzo-, thieno- and pyrido-diazepines, and their "
            "triazolo- and imidazo-fused derivatives)."
        ),
    ),
    GroupDefinition(
        name="benzodiazepines-5-aryl",
        family="designer benzodiazepines",
        smarts="[#6;a]-[#6;R]1~[#7]~[#6]~[#6]~[#7]~[#6;a]:[#6;a]-1",
        description=(
            "Any 5-aryl-1,4-diazepine fused at the 6,7-bond to an aromatic ring, whatever the "
            "saturation of the 4,5-bond: besides the 4,5-didehydro compounds above, the "
            "4,5-dihydro, 4-substituted and oxazolo[3,2-d]-fused ones (cloxazolam, flutazolam, "
            "haloxazolam, ketazolam), which open to the former in the body."
        ),
    ),
    GroupDefinition(
        name="benzodiazepines-1-aryl-1,5-2-ones",
        family="designer benzodiazepines",
        smarts="[#8]=[#6]1-[#6]-[#6]-[#7]-[#6;a]:[#6;a]-[#7]-1-a",
        description=(
            "Any 1-aryl-1,5-diazepin-2-one fused at the 6,7-bond (the 5a,9a-bond of a "
            "1,5-benzodiazepine) to an aromatic ring, whatever the 4-position (the clobazam "
            "2,4-diones, the arfendazam 4,5-dihydro-2-ones, and their thieno- and pyrazolo "
            "analogues)."
        ),
    ),
    GroupDefinition(
        name="phenethylamines-2c-nbome",
        family="phenethylamines",
        smarts=f"{_CHAIN_AMINE}-[CX4]-{_NOT_BETA_HYDROXY}-c1c(-[OX2])ccc(-[OX2])c1",
        description=(
            "Any 2-(2,5-dialkoxyphenyl)ethylamine, whatever the substituents at the 4-position, "
            "on the alpha carbon, the beta carbon or the nitrogen (2C, DOx, BOx and NBOMe "
            "series); beta-hydroxy compounds (methoxamine, midodrine) excepted."
        ),
    ),
    GroupDefinition(
        name="phenethylamines-ring-substituted-amphetamines",
        family="phenethylamines",
        smarts=(
            f"{_CHAIN_AMINE}-[CX4H1](-[CH3])-[CH2]-[c;$(c1:[c;H0]:c:c:c:c:1),$(c1:c:[c;H0]:c:c:c:1),"
            "$(c1:c:c:[c;H0]:c:c:1)]"
        ),
        exclusions=[
            "[NX3]-[CH2]-[CX4](-[OX2])-a",
            "[NX3]-[CH2]-[CH2]-[OX2]-a",
            "[NX3]-[CX4;!R]-[CX4;!R]-[CX4;!R]-[CX4;!R]",
        ],
        description=(
            "Any 1-arylpropan-2-amine (amphetamine) substituted in or fused to the aromatic ring, "
            "whatever the substituents on the nitrogen (MDMA, 4-FA, PMMA, benzofurans); excepted "
            "are nitrogen substituents that make another drug class: a 2-aryl-2-hydroxyethyl "
            "(the beta-agonists formoterol, fenoterol), a 2-aryloxyethyl (tamsulosin) or a chain "
            "of four carbons or more (mebeverine)."
        ),
    ),
    GroupDefinition(
        name="phenethylamines-n-alkyl-amphetamines",
        family="phenethylamines",
        smarts=(
            "[CX4H1](-[CH3,$([CH2]-[CH3])])(-[CH2]-c1ccccc1)-[NX3;!R;$([NH2]),$([NH1]-[CH3]),"
            "$([NH1]-[CH2]-[CH3]),$([NH1]-[CH2]-[CH2]-[CH3]),$([NH1]-[CH1](-[CH3])-[CH3]),"
            "$([NH0](-[CH3])-[CH3])]"
        ),
        description=(
            "Any 1-phenylpropan-2-amine or 1-phenylbutan-2-amine whose nitrogen carries at most "
            "a methyl, ethyl, propyl or isopropyl group or two methyl groups (amphetamine, "
            "methamphetamine and their N-alkyl and alpha-ethyl homologues); other nitrogen "
            "substituents (selegiline's propargyl) excepted."
        ),
    ),
    GroupDefinition(
        name="phenethylamines-ring-substituted",
        family="phenethylamines",
        smarts=(
            "[NX3;!R;$([NH2]),$([NH1]-[CH3]),$([NH1]-[CH2]-[CH3]),$([NH1]-[CH2]-[CH2]-[CH3]),"
            "$([NH1]-[CH1](-[CH3])-[CH3])]-[CX4;!R;$([CH2]),$([CH1]-[CH3]),$([CH1]-[CH2]-[CH3])]"
            f"-[CH2;!R]-[c;$(c:[c;{_RING_ALKYL_ALKOXY_HALIDE}]),"
            f"$(c:c:[c;{_RING_ALKYL_ALKOXY_HALIDE}]),$(c:c:c:[c;{_RING_ALKYL_ALKOXY_HALIDE}])]1"
            ":c:c:c:c:c:1"
        ),
        exclusions=["CNC(C)Cc1ccccc1OC"],
        description=(
            "Any compound (not being methoxyphenamine) structurally derived from "
            "phenethylamine, an N-alkylphenethylamine, alpha-methylphenethylamine, an "
            "N-alkyl-alpha-methylphenethylamine, "
            "alpha-ethylphenethylamine or an N-alkyl-alpha-ethylphenethylamine by substitution "
            "in the ring to any extent with alkyl, alkoxy, alkylenedioxy or halide substituents, "
            "whether or not further substituted in the ring by other univalent substituents "
            "(the UK Misuse of Drugs Act 1971 generic clause; here N-alkyl is methyl to propyl)."
        ),
    ),
    GroupDefinition(
        name="phenethylamines-heteroaryl-amphetamines",
        family="phenethylamines",
        smarts=(
            "[NX3;!R;$([NH2]),$([NH1]-[CH3]),$([NH1]-[CH2]-[CH3]),$([NH1]-[CH2]-[CH2]-[CH3]),"
            "$([NH1]-[CH1](-[CH3])-[CH3])]-[CX4;!R;$([CH1]-[CH3]),$([CH1]-[CH2]-[CH3])]"
            "-[CH2;!R]-[c;r5;$(c:[s,o]),$(c:c:[s,o])]1:a:a:a:a:1"
        ),
        description=(
            "Any 1-(thienyl, furyl or benzofuran-2- or -3-yl)propan-2-amine or butan-2-amine "
            "whose nitrogen carries at most a methyl, ethyl, propyl or isopropyl group "
            "(methiopropamine, thiopropamine, 2-APBF): the amphetamines whose benzene ring is "
            "a thiophene or furan, as the German NpSG's phenethylamine group admits."
        ),
    ),
    GroupDefinition(
        name="phenethylamines-scalines",
        family="phenethylamines",
        smarts=f"{_CHAIN_AMINE}-[CX4]-{_NOT_BETA_HYDROXY}-c1cc(-[OX2])c(-[OX2])c(-[OX2])c1",
        description=(
            "Any 2-(3,4,5-trialkoxyphenyl)ethylamine (mescaline and the 'scalines'), whatever the "
            "alkoxy groups or the substituents on the alpha carbon, the beta carbon or the "
            "nitrogen; beta-hydroxy compounds excepted."
        ),
    ),
    GroupDefinition(
        name="tryptamines",
        family="tryptamines",
        smarts=f"{_AMINE}-[CX4]-[CX4]-c1c[nX3]c2ccccc12",
        exclusions=[
            "[CX4](-[CX3](=O)-[OX2H1,OX1-])-[CX4]-c1c[nX3]c2ccccc12",
            "c1c[nX3]c2ccc(-[CH2]-[#7,#16,$([#6;R])])cc12",
            "c1c[nX3]c2ccc(-[CH2]-[CH2]-[#16])cc12",
            "[NX3]1-[CX4]-[CX4]-c2c(-[CX4]-1)[nX3]c1ccccc12",
            "[CX4;R]1-[CX4;R]-c2c(-[CX4;R]-[CX4;R]-1)[nX3]c1ccccc12",
            _ERGOLINE,
            "[NX3;R]1-[CX4]-[CX4]-[CX4](-[NX3]-[CX3]=O)-[CX4]-[CX4]-1",
        ],
        description=(
            "Any 2-(indol-3-yl)ethylamine, whatever the substituents of the ring system, the side "
            "chain or the nitrogen; excepted are the amino acids (tryptophan and its hydroxy "
            "derivatives), 5-(sulfonylmethyl-, aminomethyl- or heterocyclylmethyl-) "
            "derivatives (the triptans), tetrahydro-beta-carbolines, tetrahydrocarbazoles "
            "(frovatriptan), ergolines (see the lysergamides) and 4-acylaminopiperidines "
            "(indoramin)."
        ),
    ),
    GroupDefinition(
        name="piperazines",
        family="piperazines",
        smarts=(
            "[NX3;$([NH1]),$(N-[CH3]),$(N-[CH2]-c1ccccc1)]1-[CH2]-[CH2]"
            "-[NX3](-[$(c1ccccc1),$([CH2]-c1ccccc1)])-[CH2]-[CH2]-1"
        ),
        exclusions=[
            "[CH2](-c1c(-[OX2]-[CH3])c(-[OX2]-[CH3])c(-[OX2]-[CH3])cc1)-N1CCNCC1",
            "N1CCN(CC1)-c1ccccc1-[SX2,OX2]-a",
        ],
        description=(
            "Any 1-phenyl- or 1-benzylpiperazine, whatever the ring substituents, whose other "
            "nitrogen is unsubstituted or carries a methyl or benzyl group (BZP, MBZP, DBZP, "
            "TFMPP, mCPP, MeOPP, pFPP); excepted are trimetazidine (the 2,3,4-trimethoxybenzyl "
            "compound) and 2-(aryloxy- or arylthio)phenyl compounds (vortioxetine), medicines."
        ),
    ),
    GroupDefinition(
        name="phenidates-and-pipradrols",
        family="phenidates and pipradrols",
        smarts=(
            "[NX3H1;R1]1-[CX4;R1](-[CX4;!R](-c2ccccc2)-[#6])-[CX4;R1]-[CX4;R1]-[CX4;R1]-[CX4;R1]-1"
        ),
        description=(
            "Any piperidin-2-yl compound whose 2-position carries a carbon bearing a benzene "
            "ring and a further carbon substituent (methylphenidate, ethylphenidate, "
            "isopropylphenidate, desoxypipradrol and their ring-substituted analogues)."
        ),
    ),
    GroupDefinition(
        name="prolinols-and-pyrrolidinyl-diarylmethanes",
        family="phenidates and pipradrols",
        smarts="[NX3H1;R1]1-[CX4;R1](-[CX4;!R](-c2ccccc2)-[#6])-[CX4;R1]-[CX4;R1]-[CX4;R1]-1",
        description=(
            "Any pyrrolidin-2-yl compound whose 2-position carries a carbon bearing a benzene "
            "ring and a further carbon substituent (desoxy-D2PM, diphenylprolinol and their "
            "analogues)."
        ),
    ),
    GroupDefinition(
        name="lysergamides",
        family="lysergamides",
        smarts=f"[CX3](=O)(-[NX3;$([NH2]),$(N(-[CX4])-[CX4])])-{_ERGOLINE_8}",
        description=(
            "Any ergoline-8-carboxamide whose amide nitrogen is unsubstituted (ergine) or carries "
            "two alkyl groups or is part of a saturated ring, whatever the substituents at the 1- "
            "and 6-positions (LSD, ALD-52, 1P-LSD, AL-LAD, LSZ and their analogues); the "
            "secondary amides (ergometrine, methysergide), ureas (lisuride) and acylureas "
            "(cabergoline) fall outside."
        ),
    ),
    GroupDefinition(
        name="arylcyclohexylamines",
        family="arylcyclohexylamines",
        smarts=f"{_AMINE}-[CX4;R](-!@a)(@[#6])@[#6]",
        description=(
            "Any 1-arylcycloalkylamine: a ring carbon bearing both an aromatic ring and an amine "
            "nitrogen (phencyclidine and ketamine analogues), whatever the other substituents; "
            "the aromatic ring a substituent, not fused to the cycloalkane (huperzine A)."
        ),
    ),
)
"""Every family rule Analogue Watch offers, in a stable order."""

FAMILIES: tuple[str, ...] = tuple(dict.fromkeys(rule.family for rule in FAMILY_RULES))


def rule_named(name: str) -> GroupDefinition:
    """The family rule called ``name``.

    >>> rule_named("nitazenes").family
    '2-benzylbenzimidazole opioids'
    """
    for rule in FAMILY_RULES:
        if rule.name == name:
            return rule
    raise KeyError(f"no family rule named {name!r}; known: {[r.name for r in FAMILY_RULES]}")


def rules_of(family: str) -> tuple[GroupDefinition, ...]:
    """All rules of one family.

    >>> [rule.name for rule in rules_of("arylcyclohexylamines")]
    ['arylcyclohexylamines']
    """
    return tuple(rule for rule in FAMILY_RULES if rule.family == family)


class GroupSmartsError(ValueError):
    """A group definition whose SMARTS RDKit cannot read."""


@dataclass(frozen=True)
class CompiledGroup:
    """A group definition with its patterns compiled, ready to match parents."""

    definition: GroupDefinition
    pattern: Chem.Mol
    exclusions: tuple[Chem.Mol, ...]

    def match(self, mol: Chem.Mol) -> tuple[int, ...] | None:
        """Atom indices of the core in ``mol``, or None if no core or an exclusion applies."""
        core = mol.GetSubstructMatch(self.pattern)
        if not core:
            return None
        if any(mol.HasSubstructMatch(exclusion) for exclusion in self.exclusions):
            return None
        return tuple(core)

    def excluded_by(self, mol: Chem.Mol) -> str | None:
        """The exclusion SMARTS that exempts ``mol`` from this rule, if one does."""
        for smarts, exclusion in zip(self.definition.exclusions, self.exclusions, strict=True):
            if mol.HasSubstructMatch(exclusion):
                return smarts
        return None


def compile_group(definition: GroupDefinition) -> CompiledGroup:
    """Compile a group definition, or raise GroupSmartsError naming the bad pattern.

    >>> compile_group(rule_named("tryptamines")).definition.family
    'tryptamines'
    """
    return CompiledGroup(
        definition=definition,
        pattern=_smarts(definition.smarts, definition.name),
        exclusions=tuple(_smarts(s, definition.name) for s in definition.exclusions),
    )


@dataclass(frozen=True)
class FamilyMatch:
    """A family rule a structure falls under, with the atoms of the family's core in it."""

    family: str
    rule: str
    atoms: tuple[int, ...]


@cache
def _compiled_rules() -> tuple[CompiledGroup, ...]:
    return tuple(compile_group(rule) for rule in FAMILY_RULES)


def family_matches(mol: Chem.Mol) -> tuple[FamilyMatch, ...]:
    """Every family rule ``mol`` falls under (exclusions applied), in :data:`FAMILY_RULES` order.

    Whether a jurisdiction has made a rule law is another matter: this says only which family a
    chemist would put the structure in.

    >>> [(m.family, m.rule) for m in family_matches(Chem.MolFromSmiles("CNC(C)C(=O)c1ccc(C)cc1"))]
    [('synthetic cathinones', 'cathinones')]
    >>> family_matches(Chem.MolFromSmiles("CC(NC(C)(C)C)C(=O)c1cccc(Cl)c1"))   # bupropion
    ()
    """
    found = []
    for rule in _compiled_rules():
        atoms = rule.match(mol)
        if atoms is not None:
            found.append(FamilyMatch(rule.definition.family, rule.definition.name, atoms))
    return tuple(found)


def _smarts(smarts: str, rule: str) -> Chem.Mol:
    pattern = Chem.MolFromSmarts(smarts)
    if pattern is None:
        raise GroupSmartsError(f"group {rule!r}: RDKit cannot read the SMARTS {smarts!r}")
    return pattern
