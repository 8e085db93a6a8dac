"""The demonstration programme: realistic upcoming sessions in both languages. Never loaded in production."""
from __future__ import annotations

from datetime import date, time, timedelta

from sqlmodel import Session, select

from portal.extensions import utcnow
from portal.times import EASTERN, eastern_instant
from portal.sessions.models import SupportSession

# (English form, French form): "Dr." in English; in French "Dre" / "Dr", without a period. The demo does not know
# which form Sharman Robertson uses, so the French form names her or him without a title rather than guess.
ISFAN = dict(moderator="Dr. Daniela Isfan", moderator_fr="Dre Daniela Isfan")
ROBERTSON = dict(moderator="Dr. Sharman Robertson", moderator_fr="Sharman Robertson")
GAGNON = dict(moderator="Dr. Marie-Claude Gagnon", moderator_fr="Dre Marie-Claude Gagnon")
TREMBLAY = dict(moderator="Dr. Hélène Tremblay", moderator_fr="Dre Hélène Tremblay")
HADDAD = dict(moderator="Dr. Amir Haddad", moderator_fr="Dr Amir Haddad")

# (days from today, hour Eastern, minutes, fields). The first three come from the public programme.
PROGRAMME = [
    (3, 19, 60, dict(
        title_en="Imposter syndrome", title_fr="Le syndrome de l'imposteur",
        description_en=(
            "Imposter syndrome touches as many as 60% of physicians. It can start in medical school, follow a "
            "whole career, and raise the risk of burnout and suicidal thoughts, so it helps to understand where "
            "it comes from.\n\nTogether we will look at protective habits and ways of thinking that can "
            "prevent or undo the harm imposter syndrome does to our well-being."),
        description_fr=(
            "Le syndrome de l'imposteur touche jusqu'à 60\u00a0% des médecins. Il peut apparaître dès la formation, "
            "accompagner toute une carrière et accroître le risque d'épuisement et d'idées suicidaires\u00a0: d'où "
            "l'importance d'en comprendre l'origine.\n\nEnsemble, nous verrons des habitudes protectrices et "
            "des façons de penser qui aident à prévenir ou à renverser ses effets sur notre bien-être."),
        format="peer_support", topics=["imposter_syndrome", "burnout"], language="en", **ISFAN)),
    (10, 19, 60, dict(
        title_en="Are you and medicine on the rocks?", title_fr="La médecine et vous, ça ne va plus?",
        description_en=(
            "Have you been thinking about leaving medicine, changing how you practise or cutting back your "
            "hours? What would that look like?\n\nThis session is a chance to share your thoughts, feelings, "
            "frustrations, hopes and plans as you find your way in medicine or beyond it. It builds on earlier "
            "conversations, and newcomers are warmly welcome."),
        description_fr=(
            "Vous songez à quitter la médecine, à changer votre façon d'exercer ou à réduire vos heures? À quoi "
            "cela ressemblerait-il?\n\nCette séance vous permet d'exprimer vos réflexions, vos émotions, vos "
            "frustrations, vos espoirs et vos projets, que votre chemin se poursuive en médecine ou ailleurs. "
            "Elle s'inscrit dans la suite de rencontres précédentes; les personnes qui viennent pour la première fois sont les bienvenues."),
        format="peer_support", topics=["career"], language="en", **ROBERTSON)),
    (17, 19, 60, dict(
        title_en="Compassion Rounds: The art and science of happiness (part I)",
        title_fr="Rondes de compassion\u00a0: l'art et la science du bonheur (partie I)",
        description_en=(
            "We all want to be happy and healthy. But how is happiness measured, are there different kinds, "
            "and how much of it is nature rather than nurture? We will look at the research, consider the "
            "downside of chasing happiness, and share our own experiences with other physicians."),
        description_fr=(
            "Tout le monde cherche le bonheur et la santé. Mais comment mesure-t-on le bonheur? En existe-t-il "
            "plusieurs formes, et quelle part relève de l'inné plutôt que de l'acquis? Nous ferons le tour de "
            "la recherche, examinerons le revers de cette quête et échangerons nos expériences entre médecins."),
        format="compassion_rounds", topics=["happiness"], language="en", **ISFAN,
        series_key="happiness", series_part=1)),
    (24, 19, 60, dict(
        title_en="Compassion Rounds: The art and science of happiness (part II)",
        title_fr="Rondes de compassion\u00a0: l'art et la science du bonheur (partie II)",
        description_en=(
            "The second half of our look at happiness: small, realistic practices that research links to "
            "well-being, and how they fit into a clinician's week. Part I helps but is not required."),
        description_fr=(
            "La suite de notre réflexion sur le bonheur\u00a0: de petites pratiques réalistes que la recherche associe "
            "au bien-être, et comment les intégrer à une semaine de travail clinique. La partie I aide, mais n'est pas "
            "obligatoire."),
        format="compassion_rounds", topics=["happiness", "self_care"], language="en", **ISFAN,
        series_key="happiness", series_part=2)),
    (5, 12, 45, dict(
        title_en="Lunchtime drop-in", title_fr="Rencontre libre du midi",
        description_en=("No agenda and no preparation: bring your lunch and whatever is on your mind. Come for "
                        "ten minutes or stay for all of it."),
        description_fr=("Pas d'ordre du jour ni de préparation\u00a0: apportez votre lunch et ce qui vous préoccupe. "
                        "Restez dix minutes ou jusqu'à la fin."),
        format="drop_in", topics=["stress"], language="bilingual", **GAGNON)),
    (6, 19, 60, dict(
        title_en="After a difficult event: psychological first aid",
        title_fr="Après un événement difficile\u00a0: premiers soins psychologiques",
        description_en=("When a shift goes badly wrong, what helps in the hours and days after? We walk through "
                        "practical steps for yourself and for the colleagues beside you."),
        description_fr=("Quand une garde tourne mal, qu'est-ce qui aide dans les heures et les jours qui suivent? "
                        "Nous verrons des gestes concrets pour vous-même et pour les collègues à vos côtés."),
        format="psychological_first_aid", topics=["difficult_events", "self_care"], language="fr",
        **TREMBLAY)),
    (8, 19, 60, dict(
        title_en="Peer support for residents: the first year",
        title_fr="Soutien par les pairs pour les résidentes et résidents\u00a0: la première année",
        description_en=("Long hours, new responsibility and little sleep. A space for residents to talk with "
                        "others who know exactly what this year is like."),
        description_fr=("De longues heures, de nouvelles responsabilités et peu de sommeil. Un espace où les "
                        "résidentes et résidents peuvent parler avec d'autres qui savent exactement ce que vit un ou une R1."),
        format="peer_support", topics=["learners", "stress"], language="bilingual",
        **HADDAD)),
    (12, 19, 60, dict(
        title_en="Grief in clinical practice", title_fr="Le deuil dans la pratique clinique",
        description_en=("Losing patients is part of the work, and it still hurts. We share how we carry these "
                        "losses and what helps us go on caring."),
        description_fr=("Perdre des patients fait partie du métier, et cela fait mal quand même. Nous partagerons "
                        "comment nous portons ces pertes et ce qui nous aide à continuer de soigner."),
        format="peer_support", topics=["grief"], language="fr", **TREMBLAY)),
    (13, 12, 45, dict(
        title_en="Drop-in for medical students", title_fr="Rencontre libre pour les étudiantes et étudiants en médecine",
        description_en=("Exams, clerkship, matching, money: an open group for medical students, facilitated by "
                        "someone who has been there."),
        description_fr=("Examens, externat, jumelage, finances\u00a0: un groupe ouvert aux étudiantes et étudiants en "
                        "médecine, animé par une personne qui est passée par là."),
        format="drop_in", topics=["learners"], language="en", **HADDAD)),
    (15, 19, 60, dict(
        title_en="Moral distress: when you can't do what you know is right",
        title_fr="La détresse morale\u00a0: quand on ne peut pas faire ce qu'on sait être juste",
        description_en=("Wait lists, staffing, rules that get in the way of care. We name the distress that comes "
                        "from these situations and look at ways to cope with it together."),
        description_fr=("Listes d'attente, manque de personnel, règles qui nuisent aux soins. Nous nommerons la "
                        "détresse que ces situations causent et chercherons ensemble des façons d'y faire face."),
        format="compassion_rounds", topics=["moral_distress", "burnout"], language="bilingual",
        **ROBERTSON)),
    (19, 19, 60, dict(
        title_en="Psychological first aid for supporting colleagues",
        title_fr="Premiers soins psychologiques pour soutenir ses collègues",
        description_en=("How do you reach out to a colleague who is struggling, and what do you say? Simple, "
                        "evidence-informed ways to listen, support and connect them with help."),
        description_fr=("Comment tendre la main à une ou un collègue qui traverse une période difficile, et que lui "
                        "dire? Des façons simples, éclairées par les données probantes, d'écouter, de soutenir et "
                        "d'orienter vers de l'aide."),
        format="psychological_first_aid", topics=["difficult_events"], language="en", **ISFAN)),
    (20, 12, 45, dict(
        title_en="Friday drop-in", title_fr="Rencontre libre du vendredi",
        description_en="End the week with colleagues. No topic, no pressure.",
        description_fr="Terminez la semaine entre collègues. Aucun thème, aucune pression.",
        format="drop_in", topics=["stress", "self_care"], language="fr", **GAGNON)),
    (26, 19, 60, dict(
        title_en="Burnout and the way back", title_fr="L'épuisement professionnel et le rétablissement",
        description_en=("Recognising burnout in yourself, and what recovery has looked like for physicians who "
                        "have been through it."),
        description_fr=("Reconnaître l'épuisement chez soi, et ce à quoi a ressemblé le rétablissement pour des "
                        "médecins qui l'ont vécu."),
        format="peer_support", topics=["burnout"], language="en", **ROBERTSON)),
]




def load_demo(db: Session, *, today: date | None = None) -> list[str]:
    """Add each demo session unless an upcoming one with the same English title exists, and the demo accounts;
    returns a report (with the demo credentials). Refuses to run in production. The caller commits."""
    from flask import current_app

    from portal.accounts.demo import DEMO_ACCOUNTS, load_demo_accounts
    from portal.gratitude.demo import load_demo_stories

    if current_app.config.get("PORTAL_ENV") == "production":
        raise RuntimeError("Demo data is never loaded in production (PORTAL_ENV=production).")
    today = today or utcnow().astimezone(EASTERN).date()
    now = utcnow()
    existing = set(db.exec(select(SupportSession.title_en).where(SupportSession.starts_at > now)).all())
    added = 0
    for days, hour, minutes, fields in PROGRAMME:
        if fields["title_en"] in existing:
            continue
        starts = eastern_instant(today + timedelta(days=days), time(hour))
        db.add(SupportSession(**fields, starts_at=starts, ends_at=starts + timedelta(minutes=minutes),
                              zoom_url=f"https://zoom.example.invalid/j/{9000000 + days * 100 + hour}"))
        added += 1
    report = [f"Demo sessions: {added} added, {len(PROGRAMME) - added} already there.", *load_demo_accounts(db)]
    db.flush()
    member = next(account for account in DEMO_ACCOUNTS if not account["staff"])
    return report + load_demo_stories(db, author_email=member["email"])
