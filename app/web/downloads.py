"""Files the pages hand out: CSV for Excel (the audit log, the statistics, the case ledger)."""
import csv
import io

from flask import Response


def csv_download(rows, filename):
    """`rows` (lists of cells) as a CSV attachment; UTF-8 with a byte-order mark, so that Excel opens it with
    the Chinese intact."""
    out = io.StringIO()
    out.write("\ufeff")
    csv.writer(out).writerows(rows)
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
