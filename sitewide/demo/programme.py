"""The 2017-2018 programme as the seed text tells it, for the demo loader."""

import datetime

PROGRAMME = {
    "slug": "groupes-de-travail-2017-2018",
    "title": "Groupes de travail 2017-2018",
    "intro": (
        "En juin 2017, l'Assemblée générale a voté la constitution de quatre groupes de travail, "
        "participatifs et multi-sociétaires : un comité éthique, la représentation de Smart, l'accès "
        "aux informations financières et économiques, et des lieux de réflexion sur les outils informatiques."
    ),
    "start_date": datetime.date(2017, 9, 1),
    "end_date": datetime.date(2018, 3, 31),
    "status": "closed",
    "assembly_vote_date": datetime.date(2017, 6, 20),
    "board_handover_date": datetime.date(2018, 3, 22),
    "next_assembly_date": datetime.date(2018, 6, 19),
    "contact_email": "smartinprogress@example.coop",
    "history": (
        "<p>À l'issue des workshops mis en place au moment de la constitution de la coopérative "
        "(2015-2016), une série de recommandations ont été émises. Parmi celles-ci, le souhait des "
        "parties prenantes de voir émerger au sein de Smart :</p>"
        "<ul><li>un comité éthique ;</li>"
        "<li>le rôle de représentation de Smart étendu aux utilisateurs et partenaires ;</li>"
        "<li>l'accès aux informations financières et économiques en toute transparence ;</li>"
        "<li>des lieux de réflexion sur les outils informatiques mis à la disposition des utilisateurs.</li></ul>"
        "<p>La mise en place de quatre groupes de travail chargés de mettre en place ces instances a été "
        "votée lors de l'Assemblée générale, le 20 juin 2017.</p>"
    ),
    "framework": (
        "<p>Les groupes étaient « multi-sociétaires », c'est-à-dire représentatifs des différents profils "
        "présents dans la coopérative : utilisateurs, clients, partenaires, employés permanents.</p>"
        "<p>Chaque groupe était constitué de 10 à 12 personnes maximum et encadré par un animateur ainsi "
        "qu'un membre du Conseil d'administration. L'engagement des participants aux groupes de travail "
        "était volontaire et non rémunéré. Chaque groupe a défini sa propre méthodologie de travail ainsi "
        "que son organisation.</p>"
        "<p>Les groupes se sont réunis une fois par mois entre septembre 2017 et mars 2018, ont rencontré "
        "des experts et visité des structures en lien avec leur thématique et leurs questionnements.</p>"
        "<p>Les procès-verbaux des réunions sont disponibles sur demande.</p>"
        "<p>Le 22 mars 2018, trente-quatre recommandations ont été remises au Conseil d'administration. "
        "Celui-ci les analyse, les complète, les amende et présente le résultat des travaux lors de "
        "l'Assemblée générale de la coopérative, le 19 juin 2018.</p>"
    ),
    "testimonials": [
        {
            "quote": (
                "Je n'avais jamais participé à la vie de la coopérative au-delà de mes factures. Sept mois "
                "plus tard, nos recommandations sont sur la table du Conseil."
            ),
            "author": "Membre du groupe « Les outils financiers et économiques »",
            "profile": "user",
        },
        {
            "quote": (
                "Entendre des experts d'autres coopératives nous a évité de réinventer la roue : notre comité "
                "éthique s'inspire de ce qui fonctionne ailleurs."
            ),
            "author": "Membre du groupe « Le comité éthique »",
            "profile": "partner",
        },
        {
            "quote": (
                "Pour la première fois, les personnes qui utilisent nos outils ont pu dire ce qui les aide "
                "et ce qui les freine, avant que nous ne décidions quoi que ce soit."
            ),
            "author": "Membre du groupe « Les outils informatiques »",
            "profile": "staff",
        },
    ],
}

HOME_INTRO = (
    "<p>Bienvenue sur l'intranet des sociétaires. Vous y trouvez le programme des groupes de travail "
    "voulus par l'Assemblée générale, les comptes rendus de leurs réunions et le suivi de leurs "
    "recommandations par le Conseil d'administration.</p>"
)
