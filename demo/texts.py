"""The demo pacts' own texts in each of their languages: the Ilfov pact in Romanian
(its default language) and English, the Torino pact in Italian (its default) and
English. Invented, like the rest of the demo."""

from __future__ import annotations

ILFOV_INTRODUCTION = {
    "ro": (
        "Pactul Verde Local Ilfov este un acord voluntar între Consiliul Județean "
        "Ilfov și întreprinderile mici și mijlocii ale județului, organizațiile de "
        "sprijin, cercetători și societatea civilă. Fiecare semnatar se angajează la "
        "o acțiune concretă și măsurabilă - mai puține deșeuri, energie și transport "
        "mai curate, moduri de lucru mai verzi și mai digitale - cu un indicator, o "
        "valoare de pornire, o țintă și un termen.\n\n"
        "Angajamentele au fost create împreună în ateliere în care funcționarii "
        "județului și firmele locale au transformat ideile în acțiuni și au numit "
        "sprijinul de care are nevoie fiecare firmă din partea autorității publice: "
        "mentorat în managementul inovării, îndrumare pentru fonduri europene, "
        "campanii de crowdfunding pentru produse verzi, autorizații și "
        "infrastructură.\n\n"
        "Aceasta este o demonstrație: organizațiile, persoanele și cifrele sunt "
        "inventate."
    ),
    "en": (
        "The Ilfov Local Green Pact is a voluntary agreement between Ilfov County "
        "Council and the county's small and medium-sized enterprises, support "
        "organisations, researchers and civil society. Each signatory commits to a "
        "concrete, measurable action - less waste, cleaner energy and transport, "
        "greener and more digital ways of doing business - with an indicator, a "
        "baseline, a target and a deadline.\n\n"
        "The commitments were co-created in workshops in which the county's "
        "officials and local companies turned ideas into actions and named the "
        "support each company needs from the public authority: mentoring in "
        "innovation management, guidance on EU funding, crowdfunding campaigns for "
        "green products, permits and infrastructure.\n\n"
        "This is a demonstration: the organisations, people and figures are "
        "invented."
    ),
}
ILFOV_GOVERNANCE = {
    "ro": (
        "Unitatea Pactului Verde a consiliului județean monitorizează pactul: "
        "urmărește progresul fiecărui angajament, îi ajută pe cei rămași în urmă și "
        "raportează anual consiliului județean și publicului, pe această pagină.\n\n"
        "Organizația care conduce fiecare angajament raportează o dată pe an "
        "progresul față de indicatorul său, cu dovezi acolo unde le are. Noii "
        "semnatari se alătură prin atelierele de co-creare; un angajament se "
        "schimbă doar cu acordul celor care l-au semnat."
    ),
    "en": (
        "The county council's Green Pact unit monitors the pact: it follows each "
        "commitment's progress, helps the leads that fall behind, and reports "
        "yearly to the county council and to the public on this page.\n\n"
        "Each commitment's lead organisation reports progress against its "
        "indicator once a year, with evidence where it has it. New signatories "
        "join through the co-creation workshops; a commitment is changed only with "
        "the agreement of those who signed it."
    ),
}
ILFOV_TITLE = {"ro": "Pactul Verde Local Ilfov", "en": "Ilfov Local Green Pact"}

TORINO_TITLE = {
    "it": "Patto Verde Locale di Torino",
    "en": "Torino Local Green Pact",
}
TORINO_INTRODUCTION = {
    "it": (
        "Il Patto Verde Locale di Torino riunisce la Città, le piccole e medie "
        "imprese del territorio, le associazioni di categoria e le università "
        "attorno a impegni concreti e misurabili per un'economia più circolare, "
        "più efficiente nell'uso dell'energia e più digitale.\n\n"
        "Gli impegni nascono nei laboratori di co-creazione, dove imprese e uffici "
        "comunali trasformano le idee in azioni con un indicatore, un valore di "
        "partenza, un obiettivo e una scadenza.\n\n"
        "Questa è una dimostrazione: organizzazioni, persone e cifre sono "
        "inventate."
    ),
    "en": (
        "The Torino Local Green Pact brings the City, the area's small and "
        "medium-sized enterprises, trade associations and universities together "
        "around concrete, measurable commitments for a more circular, more "
        "energy-efficient and more digital economy.\n\n"
        "The commitments are born in co-creation workshops, where companies and "
        "the City's offices turn ideas into actions with an indicator, a baseline, "
        "a target and a deadline.\n\n"
        "This is a demonstration: the organisations, people and figures are "
        "invented."
    ),
}
TORINO_GOVERNANCE = {
    "it": (
        "L'ufficio Transizione ecologica della Città coordina il patto, segue "
        "l'avanzamento di ogni impegno e ne riferisce ogni anno al Consiglio "
        "comunale e al pubblico su questa pagina."
    ),
    "en": (
        "The City's Ecological Transition office coordinates the pact, follows "
        "each commitment's progress and reports on it every year to the City "
        "Council and to the public on this page."
    ),
}
TORINO_PARTNERS = (
    "Camera di commercio di Torino (demo)",
    "Politecnico Demo",
    "Associazione Imprese Verdi (demo)",
)
