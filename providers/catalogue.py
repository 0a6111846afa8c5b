"""The operators Passerelle knows, with the names each source gives them.

Kinds: ``bank``; ``money_transfer_operator`` (agent networks, cash counters, with or without an
app); ``mobile_operator`` (a telecom's mobile money); ``post_office``; ``fintech`` (app or
website only, no counters).

Channels: the World Bank prices some services as "<bank> via <operator>" (``La Banque Postale via
Western Union``, ``Banque Populaire via Wise``). The customer deals with the bank, at the bank's
counter or in its app, and pays the bank's price, so these names belong to the **bank**.

RPW names are the World Bank's, typos included (``Caisse D'Epargne I'lle de France``,
``Banque Chaabi de Maroc``).
"""

from __future__ import annotations

from providers.registry import Provider

CATALOGUE: tuple[Provider, ...] = (
    # Money transfer operators with agent networks
    Provider("western-union", "Western Union", "money_transfer_operator", "https://www.westernunion.com",
             {"rpw": ("Western Union", "Western Union Money Transfer", "WU"),
              "wise": ("western-union",)}),
    Provider("moneygram", "MoneyGram", "money_transfer_operator", "https://www.moneygram.com",
             {"rpw": ("MoneyGram", "Moneygram", "Money Gram", "MoneyGram International"),
              "wise": ("moneygram",)}),
    Provider("ria", "Ria Money Transfer", "money_transfer_operator", "https://www.riamoneytransfer.com",
             {"rpw": ("Ria", "RIA", "Ria Money Transfer", "Ria Financial Services", "Ria Envia"),
              "wise": ("ria", "ria-money-transfer")}),
    Provider("small-world", "Small World", "money_transfer_operator", "https://www.smallworldfs.com",
             {"rpw": ("Small World", "Smallworld", "Small World Financial Services", "Small World FS"),
              "wise": ("small-world", "smallworld")}),
    Provider("moneytrans", "Moneytrans", "money_transfer_operator", "https://www.moneytrans.eu",
             {"rpw": ("Moneytrans", "MoneyTrans", "Money Trans"), "wise": ("moneytrans",)}),
    Provider("ace-money-transfer", "ACE Money Transfer", "money_transfer_operator",
             "https://www.acemoneytransfer.com",
             {"rpw": ("Ace Money Transfer", "ACE Money Transfer", "AceMoneyTransfer")}),
    # No official site could be confirmed for this Paris-based operator serving Côte d'Ivoire.
    Provider("atl-money-transfer", "ATL Money Transfer", "money_transfer_operator", None,
             {"rpw": ("ATL Money Transfer", "ATL")}),
    Provider("lycaremit", "Lycaremit", "money_transfer_operator", "https://www.lycaremit.com",
             {"rpw": ("Lycaremit", "Lyca Remit", "Lycamoney", "Lyca Money")}),
    # App- or web-only services
    Provider("wise", "Wise", "fintech", "https://wise.com",
             {"rpw": ("Wise", "Transferwise", "TransferWise", "Wise (formerly TransferWise)"),
              "wise": ("wise", "transferwise")}),
    Provider("remitly", "Remitly", "fintech", "https://www.remitly.com",
             {"rpw": ("Remitly",), "wise": ("remitly",)}),
    Provider("worldremit", "WorldRemit", "fintech", "https://www.worldremit.com",
             {"rpw": ("WorldRemit", "World Remit", "Worldremit"), "wise": ("worldremit",)}),
    Provider("sendwave", "Sendwave", "fintech", "https://www.sendwave.com",
             {"rpw": ("Sendwave", "SendWave", "Send Wave"), "wise": ("sendwave",)}),
    Provider("taptap-send", "TapTap Send", "fintech", "https://www.taptapsend.com",
             {"rpw": ("TapTap Send", "Taptap Send", "TapTapSend", "Taptap"),
              "wise": ("taptap-send", "taptapsend")}),
    Provider("paysend", "Paysend", "fintech", "https://paysend.com",
             {"rpw": ("Paysend", "PaySend"), "wise": ("paysend",)}),
    Provider("xoom", "Xoom", "fintech", "https://www.xoom.com",
             {"rpw": ("Xoom", "Xoom (PayPal)", "Xoom, a PayPal service"), "wise": ("xoom",)}),
    Provider("transfergo", "TransferGo", "fintech", "https://www.transfergo.com",
             {"rpw": ("TransferGo", "Transfer Go"), "wise": ("transfergo",)}),
    # Closed to new transfers since its takeover; kept so historical RPW rows still resolve.
    Provider("azimo", "Azimo", "fintech", "https://azimo.com",
             {"rpw": ("Azimo",), "wise": ("azimo",)}),
    Provider("afriex", "Afriex", "fintech", "https://www.afriex.com", {"rpw": ("Afriex",)}),
    Provider("lemfi", "LemFi", "fintech", "https://lemfi.com",
             {"rpw": ("LemFi", "Lemfi", "Lemonade Finance")}),
    Provider("wave", "Wave", "fintech", "https://www.wave.com",
             {"rpw": ("Wave", "Wave Mobile Money", "Wave Senegal")}),
    # Mobile money of telecom operators
    Provider("orange-money", "Orange Money", "mobile_operator", "https://orangemoney.orange.fr",
             {"rpw": ("Orange Money", "Orange", "Orange Money France", "Orange Money Europe")}),
    Provider("mtn-momo", "MTN MoMo", "mobile_operator", "https://www.mtn.com",
             {"rpw": ("MTN MoMo", "MTN Mobile Money", "MTN", "MoMo")}),
    # La Poste's counters sell Western Union through La Banque Postale: one provider for both names.
    Provider("la-banque-postale", "La Banque Postale", "post_office", "https://www.labanquepostale.fr",
             {"rpw": ("La Banque Postale", "Banque Postale", "La Poste",
                      "La Banque Postale via Western Union", "La Poste via Western Union"),
              "wise": ("la-banque-postale",)}),
    # Banks (France)
    Provider("bnp-paribas", "BNP Paribas", "bank", "https://mabanque.bnpparibas",
             {"rpw": ("BNP Paribas", "BNP"), "wise": ("bnp-paribas",)}),
    Provider("societe-generale", "Société Générale", "bank", "https://particuliers.sg.fr",
             {"rpw": ("Société Générale", "Societe Generale"), "wise": ("societe-generale",)}),
    Provider("credit-agricole", "Crédit Agricole", "bank", "https://www.credit-agricole.fr",
             {"rpw": ("Crédit Agricole", "Credit Agricole"), "wise": ("credit-agricole",)}),
    Provider("lcl", "LCL", "bank", "https://www.lcl.fr",
             {"rpw": ("LCL", "LCL Le Crédit Lyonnais", "Crédit Lyonnais"), "wise": ("lcl",)}),
    Provider("credit-mutuel", "Crédit Mutuel", "bank", "https://www.creditmutuel.fr",
             {"rpw": ("Crédit Mutuel", "Credit Mutuel"), "wise": ("credit-mutuel",)}),
    Provider("cic", "CIC", "bank", "https://www.cic.fr", {"rpw": ("CIC",), "wise": ("cic",)}),
    Provider("caisse-d-epargne", "Caisse d'Epargne", "bank", "https://www.caisse-epargne.fr",
             {"rpw": ("Caisse d'Epargne", "Caisse D'Epargne I'lle de France",
                      "Caisse d'Epargne Ile-de-France", "Caisse D'Epargne I'lle de France via Wise"),
              "wise": ("caisse-d-epargne", "caisse-depargne")}),
    Provider("banque-populaire", "Banque Populaire", "bank", "https://www.banquepopulaire.fr",
             {"rpw": ("Banque Populaire", "Banque Populaire via Wise", "Banque Populaire Rives de Paris"),
              "wise": ("banque-populaire",)}),
    Provider("boursobank", "BoursoBank", "bank", "https://www.boursobank.com",
             {"rpw": ("Boursorama", "Boursorama Banque", "BoursoBank"), "wise": ("boursorama",)}),
    Provider("barclays", "Barclays", "bank", "https://www.barclays.co.uk",
             {"rpw": ("Barclays", "Barclays Bank"), "wise": ("barclays",)}),
    # Banks (Africa), with branches or subsidiaries in France
    Provider("attijariwafa-bank", "Attijariwafa bank", "bank", "https://www.attijariwafabank.com",
             {"rpw": ("Attijariwafa Bank", "Attijariwafa", "Attijari Wafa Bank")}),
    # Chaabi Bank is the European arm of Morocco's Groupe Banque Centrale Populaire.
    Provider("chaabi-bank", "Chaabi Bank", "bank", "https://www.groupebcp.com",
             {"rpw": ("Chaabi Bank", "Banque Chaabi de Maroc", "Banque Chaabi du Maroc")}),
    Provider("bank-of-africa", "Bank of Africa", "bank", "https://www.bankofafrica.ma",
             {"rpw": ("Bank of Africa", "BMCE Bank", "BMCE Bank of Africa", "BMCE")}),
    Provider("ecobank", "Ecobank", "bank", "https://ecobank.com",
             {"rpw": ("Ecobank", "Ecobank Rapidtransfer")}),
)
