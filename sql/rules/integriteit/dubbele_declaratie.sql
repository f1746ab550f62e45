-- rule: integriteit.dubbele_declaratie
-- title: Dubbele declaratie: zelfde toewijzing, product en periode, of een hergebruikt referentienummer
-- source: iWmo 3.2 TR389 en TR416 (geen tweede debetprestatie voor dezelfde ProductPeriode,
--   ProductCategorie, ProductCode en ToewijzingNummer zolang de eerste niet is gecrediteerd);
--   TR314 (ReferentieNummer uniek per aanbieder); RULES.md §7
-- uitleg: Een prestatie (toewijzing, product en periode) mag maar één keer worden gedeclareerd en een referentienummer maar één keer worden gebruikt.
-- actie: crediteren
-- grondslag: iWmo 3.2 TR389, TR416 en TR314 (retourcodes 9389 en 8021)
-- severity: hoog
-- version: 1
-- reads: staging.declaraties, models.declaraties_ingediend, models.toewijzingen
-- reading: (a) two or more uncredited debit lines with the same gemeente, toewijzing,
--   product_categorie, product_code and identical period (begindatum and einddatum; overlapping
--   but different periods are not duplicates here) that count: a line the back office rejected
--   (a 325: models.declaraties_ingediend.afgewezen) counts only as the repeat of an earlier line
--   of its period that was not rejected. A rejected line that the provider then submitted again
--   (a later dagtekening or another declaratie: our advice "corrigeren en opnieuw declareren")
--   is no duplicate of its resubmission, whatever its codes (TR323: only an approved debit
--   stands); a later line the back office rejected as a duplicate of a standing line is still
--   flagged (its signal's afhandeling shows the rejection). (b) a debit line whose
--   referentie_nummer is used by more than one line (debit or credit, rejected or not: TR314
--   makes it unique over every prestatie of the aanbieder, 8021) of the same aanbieder: such
--   debits are flagged even when credited, because a credit naming a reused number cancels every
--   line with it and can hide a resubmission. In each duplicate set the first counting line (by
--   dagtekening, then file order; under (a) never a rejected one) is the original; impact = the
--   amounts of the later debit lines (each counted once).
--   Interaction (one signal per problem): not for claims without a usable allocation (unknown,
--   deleted or another product: the whole amount is already flagged there). One signal per
--   toewijzing, client and claim begindatum, naming all lines involved.
with allocations as (
    select gemeente_code, toewijzing_nummer, product_categorie, product_code
    from models.toewijzingen
    where coalesce(reden_wijziging, '') <> '13'
),

-- The duplicate keys first (group by ... having count(*) > 1), then only the lines of those keys
-- are read back and ordered: no copy of all lines and no window over all lines. Whether a line
-- has a usable allocation depends only on columns of the period key, so it is checked per key.
-- The keys are counted by their hash first (one number instead of six or two columns: about
-- half the cost of grouping every line); the lines whose hash repeats are a small superset of
-- the duplicate lines (a hash collision only adds lines that the exact count then drops).
period_hashes as (
    select
        hash(
            gemeente_code, toewijzing_nummer, product_categorie, product_code, begindatum, einddatum
        ) as h
    from models.declaraties_ingediend
    group by all
    having count(*) > 1
),

period_candidates as (
    select
        _volgnr,
        gemeente_code,
        toewijzing_nummer,
        product_categorie,
        product_code,
        begindatum,
        einddatum,
        declaratie_dagtekening,
        afgewezen
    from models.declaraties_ingediend
    where
        hash(
            gemeente_code, toewijzing_nummer, product_categorie, product_code, begindatum, einddatum
        ) in (select h from period_hashes)
),

-- the lines that count: not rejected, or rejected after a line of the period that stands
period_lines as materialized (
    select * exclude (staande_ervoor)
    from (
        select
            *,
            count(*) filter (where not afgewezen) over (
                partition by
                    gemeente_code, toewijzing_nummer, product_categorie, product_code,
                    begindatum, einddatum
                order by declaratie_dagtekening, _volgnr
                rows between unbounded preceding and 1 preceding
            ) as staande_ervoor
        from period_candidates
    )
    where not afgewezen or staande_ervoor > 0
),

duplicate_periods as (
    select k.*
    from (
        select
            gemeente_code, toewijzing_nummer, product_categorie, product_code, begindatum, einddatum
        from period_lines
        group by all
        having count(*) > 1
    ) as k
    semi join allocations as a
        on
            k.gemeente_code = a.gemeente_code
            and k.toewijzing_nummer = a.toewijzing_nummer
            and k.product_categorie = a.product_categorie
            and (a.product_code is null or k.product_code is not distinct from a.product_code)
),

same_period as (
    select
        n._volgnr,
        row_number() over (
            partition by
                n.gemeente_code, n.toewijzing_nummer, n.product_categorie, n.product_code,
                n.begindatum, n.einddatum
            order by n.declaratie_dagtekening, n._volgnr
        ) as volgorde
    from period_lines as n
    semi join duplicate_periods as k
        on
            n.gemeente_code is not distinct from k.gemeente_code
            and n.toewijzing_nummer is not distinct from k.toewijzing_nummer
            and n.product_categorie is not distinct from k.product_categorie
            and n.product_code is not distinct from k.product_code
            and n.begindatum is not distinct from k.begindatum
            and n.einddatum is not distinct from k.einddatum
),

reference_hashes as (
    select hash(aanbieder_agb, referentie_nummer) as h
    from staging.declaraties
    group by all
    having count(*) > 1
),

reference_lines as materialized (
    select _volgnr, aanbieder_agb, referentie_nummer, declaratie_dagtekening
    from staging.declaraties
    where hash(aanbieder_agb, referentie_nummer) in (select h from reference_hashes)
),

duplicate_references as (
    select aanbieder_agb, referentie_nummer
    from reference_lines
    group by all
    having count(*) > 1
),

reference_use as (
    select
        l._volgnr,
        row_number() over (
            partition by l.aanbieder_agb, l.referentie_nummer
            order by l.declaratie_dagtekening, l._volgnr
        ) as volgorde
    from reference_lines as l
    semi join duplicate_references as k
        on
            l.aanbieder_agb is not distinct from k.aanbieder_agb
            and l.referentie_nummer is not distinct from k.referentie_nummer
),

candidate_lines as materialized (  -- the few lines involved, before any other join
    select
        _volgnr,
        gemeente_code,
        aanbieder_agb,
        toewijzing_nummer,
        client_key,
        product_categorie,
        product_code,
        begindatum,
        einddatum,
        referentie_nummer,
        ingediend_bedrag_cents
    from staging.declaraties
    where
        debet_credit = 'D'
        and _volgnr in (select _volgnr from same_period union select _volgnr from reference_use)
),

flagged as (
    select
        d.gemeente_code,
        d.aanbieder_agb,
        d.toewijzing_nummer,
        d.client_key,
        d.product_categorie,
        d.product_code,
        d.begindatum,
        d.einddatum,
        d.referentie_nummer,
        d.ingediend_bedrag_cents,
        d._volgnr,
        p._volgnr is not null as zelfde_periode,
        r._volgnr is not null as zelfde_referentie,
        coalesce(p.volgorde, 1) > 1 or coalesce(r.volgorde, 1) > 1 as is_herhaling
    from candidate_lines as d
    inner join allocations as a
        on d.gemeente_code = a.gemeente_code and d.toewijzing_nummer = a.toewijzing_nummer
    left join same_period as p using (_volgnr)
    left join reference_use as r using (_volgnr)
    where
        d.product_categorie = a.product_categorie
        and (a.product_code is null or d.product_code is not distinct from a.product_code)
)
select
    gemeente_code,
    aanbieder_agb,
    toewijzing_nummer,
    client_key,
    begindatum as period_start,
    max(einddatum) as period_end,
    cast(count(*) as double) as measured,
    1.0 as threshold,
    'declaratieregels' as unit,
    coalesce(sum(ingediend_bedrag_cents) filter (where is_herhaling), 0) as impact_cents,
    array_sort(list_distinct(list(referentie_nummer))) as evidence,
    'Dubbele declaratie op toewijzing ' || toewijzing_nummer || ': declaratieregel'
    || if(count(*) = 1, ' ', 's ')
    || string_agg(
        referentie_nummer || ' (' || coalesce(product_code, product_categorie) || ', '
        || fmt_datum(begindatum) || ' t/m ' || fmt_datum(einddatum) || ', '
        || fmt_eur(ingediend_bedrag_cents) || ')',
        ', ' order by referentie_nummer, _volgnr
    )
    || case
        when bool_or(zelfde_periode) and bool_or(zelfde_referentie)
            then ' declareren hetzelfde product voor dezelfde periode en hebben een '
            || 'referentienummer dat ook op een andere declaratieregel staat'
        when bool_or(zelfde_periode)
            then ' declareren hetzelfde product voor dezelfde periode'
        else if(count(*) = 1, ' heeft', ' hebben')
            || ' een referentienummer dat ook op een andere declaratieregel staat'
    end
    || if(
        bool_or(is_herhaling),
        '; ' || fmt_eur(sum(ingediend_bedrag_cents) filter (where is_herhaling))
        || ' is dubbel gedeclareerd.',
        '.'
    ) as message
from flagged
group by gemeente_code, aanbieder_agb, toewijzing_nummer, client_key, begindatum
