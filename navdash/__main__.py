"""The command line: `python -m navdash init|import|export|pakke|serve|bench`."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from navdash import demo, ingest, store
from navdash.schemas import KINDS

EXIT_REFUSED = 2  # the file was refused (or the command line was wrong)
EXIT_BUSY = 3  # another import held the write lock for longer than NAVDASH_SKRIVELAS_SEKUNDER
EXIT_STORE = 4  # the data folder or the database file cannot be used


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except store.StoreBusy as exc:
        print(f"Feil: {exc}", file=sys.stderr)
        return EXIT_BUSY
    except store.StoreError as exc:
        print(f"Feil: {exc}", file=sys.stderr)
        return EXIT_STORE


def _main(argv: list[str] | None) -> int:
    parser = argparse.ArgumentParser(prog="python -m navdash", description="navdash: styringsdashboard for NAV")
    sub = parser.add_subparsers(dest="command", required=True)

    p_init = sub.add_parser("init", help="opprett databasen (data/navdash.duckdb, eller NAVDASH_DB)")
    p_init.add_argument("--demo", action="store_true", help="fyll databasen med demodata")
    p_init.add_argument("--force", action="store_true", help="erstatt en eksisterende database")

    p_imp = sub.add_parser("import", help="importer en CSV- eller Excel-fil")
    p_imp.add_argument("kind", choices=list(KINDS), metavar="KIND", help=", ".join(KINDS))
    p_imp.add_argument("file", type=Path)
    p_imp.add_argument("--dry-run", action="store_true", help="kontroller filen uten å lagre noe")
    p_imp.add_argument("--who", default=os.environ.get("USER", "kommandolinje"), help="hvem som importerer")

    p_exp = sub.add_parser("export", help="skriv CSV i importformatet")
    p_exp.add_argument("kind", choices=list(KINDS), metavar="KIND", help=", ".join(KINDS))
    p_exp.add_argument("--enhet", action="append", help="bare denne enheten (kan gjentas)")
    p_exp.add_argument("--indikator", action="append", help="bare denne indikatoren (kan gjentas)")
    p_exp.add_argument("-o", "--output", type=Path, help="fil (standard: skjermen)")
    p_exp.add_argument("--uten-smaa-tall", action="store_true",
                       help="utelat verdier om færre enn 5 personer, og verdiene som må skjules for at de ikke skal "
                            "kunne regnes ut (for en fil som skal deles med alle)")

    p_pack = sub.add_parser("pakke", help="skriv den månedlige statistikkpakken: én PDF per enhet og en indeks",
                            description="Én PDF per enhet (målekort med signaler og begrunnelser, kommentarer, åpne "
                                        "oppfølgingspunkter, hvor mange kontorer som har levert) og index.html, fra "
                                        "den publiserte dataversjonen. Tall om færre enn 5 personer vises ikke.")
    p_pack.add_argument("--maaned", required=True, help="måneden, som ÅÅÅÅ-MM (for eksempel 2022-12)")
    p_pack.add_argument("--fylke", help="bare denne enheten og enhetene under den (for eksempel 0300)")
    p_pack.add_argument("--ut", type=Path, required=True, help="mappen filene skrives til")

    p_bench = sub.add_parser("bench", help="mål import og spørringer i nasjonal skala")
    p_bench.add_argument("--small", action="store_true", help="en liten kjøring (for tester)")
    p_bench.add_argument("--workdir", type=Path, help="mappe for midlertidige filer")
    p_bench.add_argument("--signaler", action="store_true",
                         help="bare signalene: falske alarmer og oppdagede endringer på syntetiske data")
    p_bench.add_argument("--last", action="store_true",
                         help="bare sidevisninger under last: kald og varm side, samtidige økter med 1 og 2 "
                              "prosesser, fylkesmøtet med 24 ledere")
    p_bench.add_argument("--kun", action="append", choices=["sider", "okter", "mote"],
                         help="med --last: bare denne delen (kan gjentas): sider (kald og varm side), okter "
                              "(samtidige økter), mote (fylkesmøtet)")
    p_bench.add_argument("--gjenbruk", action="store_true",
                         help="med --last og --workdir: bruk databasen en tidligere kjøring lagde der, i stedet for "
                              "å lage og importere dataene på nytt")

    p_serve = sub.add_parser("serve", help="kjør appen i flere prosesser bak HAProxy (faste sesjoner)")
    p_serve.add_argument("--prosesser", type=int, default=2, help="antall Streamlit-prosesser (standard 2)")
    p_serve.add_argument("--port", type=int, default=8501, help="porten HAProxy lytter på (standard 8501)")
    p_serve.add_argument("--adresse", default="127.0.0.1", help="adressen HAProxy lytter på (standard 127.0.0.1)")

    args = parser.parse_args(argv)
    db = store.db_path()

    if args.command == "init":
        if db.exists() and not args.force:
            print(f"Databasen {db} finnes allerede (bruk --force for å erstatte den).")
            store.ensure_database(db)
            return 0
        if db.exists():
            db.unlink()
            store.forget_snapshots()
        if args.demo:
            reports = demo.load_demo(db)
            rows = sum(r.rows for r in reports)
            print(f"Opprettet {db} med demodata: {rows:,} rader.".replace(",", "\u00a0"))
        else:
            store.ensure_database(db)
            print(f"Opprettet en tom database: {db}")
        return 0

    if args.command == "import":
        if not args.file.exists():
            print(f"Finner ikke filen {args.file}", file=sys.stderr)
            return EXIT_REFUSED
        if not db.exists():
            store.ensure_database(db)
            print(f"Opprettet en tom database: {db} (importer enheter og indikatorer før verdier)", file=sys.stderr)
        report = ingest.import_file(args.kind, args.file, db=db, dry_run=args.dry_run, who=args.who)
        if report.ok:
            print(report.full_report())  # the summary, and any warnings from the validation rules
            return 0
        print(report.full_report(), file=sys.stderr)
        return EXIT_REFUSED

    if args.command == "export":
        mask = None
        if args.uten_smaa_tall:
            from navdash import access, disclosure

            mask = disclosure.mask_for(access.NO_CLEARANCE, db)
        out = open(args.output, "w", encoding="utf-8", newline="") if args.output else sys.stdout
        try:
            n = ingest.export(args.kind, out, db=db, units=args.enhet, indicators=args.indikator, mask=mask)
        finally:
            if args.output:
                out.close()
        if args.output:
            print(f"Skrev {n} rader til {args.output}", file=sys.stderr)
        return 0

    if args.command == "pakke":
        from navdash.exports import package

        if not db.exists():
            print(f"Feil: databasen {db} finnes ikke; kjør «python -m navdash init» og importer tall først",
                  file=sys.stderr)
            return EXIT_STORE
        from navdash import approval

        # The package goes to leaders: with approval on, only the months everyone may see (navdash.approval).
        until = approval.cutoff(db, None)
        if until is not None and approval.is_withheld(until, args.maaned):
            print(f"Feil: {args.maaned} er ikke godkjent for visning ennå (NAVDASH_GODKJENNING er på); en analytiker "
                  "godkjenner måneden under «Last opp data» i appen", file=sys.stderr)
            return EXIT_REFUSED
        try:
            with store.reads_limited(until):
                made = package.build(db, args.maaned, args.fylke)
        except package.PackageError as exc:
            print(f"Feil: {exc}", file=sys.stderr)
            return EXIT_REFUSED
        written = package.write(made, args.ut)
        print(f"Skrev {len(written) - 1} PDF-er og index.html til {args.ut} ({made.stamp}).")
        return 0

    if args.command == "serve":
        from navdash import serve

        return serve.main(args.prosesser, args.port, args.adresse)

    if args.command == "bench":
        from navdash import bench, bench_signals

        if args.last:
            from navdash import bench_load

            return bench_load.run(small=args.small, workdir=args.workdir, parts=args.kun, reuse=args.gjenbruk)
        code = 0 if args.signaler else bench.run(small=args.small, workdir=args.workdir)
        print("\n".join(bench_signals.run(bench_signals.SMALL_OFFICES if args.small else bench_signals.OFFICES)[1]))
        return code
    return EXIT_REFUSED


if __name__ == "__main__":
    sys.exit(main())
