-- rule: integriteit.creditering_zonder_debet
-- title: Creditregel zonder bijbehorende debetregel, of een debetregel die opnieuw wordt gecrediteerd
-- source: iWmo 3.2 TR323 (credit gerelateerd aan een eerder verzonden debetprestatie) en TR390
--   (geen tweede credit voor dezelfde prestatie); RULES.md §7
-- uitleg: Een creditregel moet verwijzen naar een eerder ingediende debetregel die nog niet is gecrediteerd.
-- actie: corrigeren en opnieuw declareren
-- grondslag: iWmo 3.2 TR323 en TR390 (retourcodes 8017 en 9390)
-- severity: midden
-- version: 1
-- reads: models.credits
-- reading: works on credit lines (models.credits), not on net debit lines: a credit whose
--   vorig_referentie_nummer names no debit line of the same gemeente and aanbieder, and every
--   credit after the first of the same debit (by dagtekening, then file order). Both are left out
--   of the net figures, so impact = the credit's amount (the booking that cannot be matched).
--   The signal names the credit's own toewijzing_nummer (which may be unknown) and period; one
--   signal per toewijzing, client and credit begindatum.
with credit_lines as (
    select * from models.credits
),

flagged as (
    select
        *,
        referentie_nummer || ' (' || fmt_eur(ingediend_bedrag_cents) || ', '
        || fmt_periode(begindatum, einddatum) || ') '
        || if(
            debet_gevonden,
            'crediteert debetregel ' || vorig_referentie_nummer
            || ' opnieuw, terwijl die al eerder is gecrediteerd',
            'verwijst naar debetregel ' || vorig_referentie_nummer || ', die niet bestaat'
        ) as regel
    from credit_lines
    where not debet_gevonden or volgorde > 1
)

select
    gemeente_code,
    aanbieder_agb,
    toewijzing_nummer,
    client_key,
    begindatum as period_start,
    max(einddatum) as period_end,
    cast(sum(ingediend_bedrag_cents) as double) as measured,
    0.0 as threshold,
    'eurocent' as unit,
    sum(ingediend_bedrag_cents) as impact_cents,
    list(referentie_nummer order by referentie_nummer) as evidence,
    'Creditregel' || if(count(*) = 1, ' ', 's ') || 'op toewijzing ' || toewijzing_nummer
    || ' zonder passende debetregel: '
    || string_agg(regel, '; ' order by referentie_nummer) || '.' as message
from flagged
group by gemeente_code, aanbieder_agb, toewijzing_nummer, client_key, begindatum
