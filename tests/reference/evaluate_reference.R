# evaluate_reference.R -- independent reference numbers for calibrate.evaluate's AUC tests.
#
# Generated with: R version 4.2.2 Patched (2022-11-10 r83330) (Debian 12 package r-base-core)
# and pROC 1.18.0 (Debian 12 package r-cran-proc):
#     apt-get install -y --no-install-recommends r-base-core r-cran-proc
#
# Re-run from the repository root:
#     Rscript tests/reference/evaluate_reference.R
# It writes tests/reference/evaluate_r_reference.json (next to this script).
# The data of every case (y and integer scores, generated below with set.seed) is
# stored in the JSON, so the Python tests never need R or R's random numbers.
# All doubles are written with sprintf("%.17g", x), i.e. full double precision.
#
# For each case:
#   r        <- pROC::roc(y, score, direction = "<", levels = c(0, 1), quiet = TRUE)
#   auc      =  as.numeric(pROC::auc(r))
#   var      =  pROC::var(r, method = "delong")          (so se = sqrt(var))
#   ci_low, ci_high     = pROC::ci.auc(r, conf.level = 0.95, method = "delong")[c(1, 3)]
#   ci90_low, ci90_high = pROC::ci.auc(r, conf.level = 0.90, method = "delong")[c(1, 3)]

suppressPackageStartupMessages(library(pROC))

## ---------------------------------------------------------------- JSON writer
json_str <- function(s) {
  s <- gsub("\\\\", "\\\\\\\\", s)
  s <- gsub("\"", "\\\\\"", s)
  paste0("\"", s, "\"")
}
json_num <- function(x) {
  vapply(x, function(v) {
    if (is.na(v)) "null"
    else if (is.integer(v)) sprintf("%d", v)
    else sprintf("%.17g", v)
  }, character(1))
}
json_scalar_vec <- function(x) {
  if (is.logical(x)) ifelse(is.na(x), "null", ifelse(x, "true", "false"))
  else if (is.character(x)) ifelse(is.na(x), "null", json_str(x))
  else json_num(x)
}
# named list -> object; unnamed list -> array; atomic of length 1 -> scalar;
# atomic of other length, or wrapped in I() -> array.
to_json <- function(x, indent = 0) {
  pad <- strrep("  ", indent + 1); pad0 <- strrep("  ", indent)
  if (is.null(x)) return("null")
  if (is.list(x)) {
    if (length(x) == 0) return(if (is.null(names(x))) "[]" else "{}")
    items <- vapply(x, to_json, character(1), indent = indent + 1)
    if (!is.null(names(x))) {
      items <- paste0(json_str(names(x)), ": ", items)
      return(paste0("{\n", paste0(pad, items, collapse = ",\n"), "\n", pad0, "}"))
    }
    return(paste0("[\n", paste0(pad, items, collapse = ",\n"), "\n", pad0, "]"))
  }
  as_array <- inherits(x, "AsIs") || length(x) != 1
  x <- unclass(x); attributes(x) <- NULL
  vals <- json_scalar_vec(x)
  if (as_array) paste0("[", paste(vals, collapse = ", "), "]") else vals
}

## ---------------------------------------------------------------- data
RNGkind("Mersenne-Twister", "Inversion", "Rejection")
clip <- function(x, lo, hi) pmin(hi, pmax(lo, x))

datasets <- list()

# 30 leads, integer scores 0..10 with heavy ties, a third customers.
set.seed(1)
y <- rbinom(30, 1, 0.35)
datasets$ties_n30 <- list(
  description = "30 leads, scores 0..10 (heavy ties), informative",
  y = y, score = as.integer(clip(round(rnorm(30, 4 + 2 * y, 2)), 0, 10)))

# 120 leads, integer scores 0..10, strongly informative.
set.seed(2)
y <- rbinom(120, 1, 0.25)
datasets$ties_n120 <- list(
  description = "120 leads, scores 0..10 (heavy ties), strongly informative",
  y = y, score = as.integer(clip(round(rnorm(120, 3 + 3 * y, 2)), 0, 10)))

# 300 leads, lead-score-like points in steps of 5 from -40 to 160, ~10 % customers.
set.seed(3)
y <- rbinom(300, 1, 0.10)
datasets$points_n300 <- list(
  description = "300 leads, points in steps of 5 in [-40, 160], about 10 % customers",
  y = y, score = as.integer(5L * clip(round(rnorm(300, 8 + 5 * y, 6)), -8, 32)))

# 80 leads whose score runs against the outcome (AUC below 0.5; the direction stays "<").
set.seed(4)
y <- rbinom(80, 1, 0.4)
datasets$inverse_n80 <- list(
  description = "80 leads, scores 0..20 running against the outcome (AUC < 0.5)",
  y = y, score = as.integer(clip(round(rnorm(80, 10 - 2 * y, 4)), 0, 20)))

# 40 leads, nearly separated: the upper end of the 95 % interval is clipped at 1.
set.seed(5)
y <- rep(c(0L, 1L), c(30, 10))
datasets$clipped_n40 <- list(
  description = "40 leads, scores 0..10 nearly separating the outcome (interval clipped at 1)",
  y = y, score = as.integer(clip(round(rnorm(40, 2 + 5 * y, 1.5)), 0, 10)))

## ---------------------------------------------------------------- reference values
cases <- lapply(names(datasets), function(id) {
  d <- datasets[[id]]
  r <- roc(d$y, d$score, direction = "<", levels = c(0, 1), quiet = TRUE)
  ci95 <- as.numeric(ci.auc(r, conf.level = 0.95, method = "delong"))
  ci90 <- as.numeric(ci.auc(r, conf.level = 0.90, method = "delong"))
  list(
    id = id,
    description = d$description,
    n = length(d$y),
    customers = sum(d$y),
    y = I(as.integer(d$y)),
    score = I(as.integer(d$score)),
    auc = as.numeric(auc(r)),
    var = as.numeric(var(r, method = "delong")),
    ci_low = ci95[1], ci_high = ci95[3],
    ci90_low = ci90[1], ci90_high = ci90[3]
  )
})

out <- list(
  r_version = R.version.string,
  proc_version = as.character(packageVersion("pROC")),
  generated_by = "Rscript tests/reference/evaluate_reference.R",
  rng_kind = I(c("Mersenne-Twister", "Inversion", "Rejection")),
  roc_call = "roc(y, score, direction = \"<\", levels = c(0, 1))",
  cases = cases
)

args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grep("^--file=", args)])
here <- if (length(script)) dirname(script) else "tests/reference"
writeLines(to_json(out), file.path(here, "evaluate_r_reference.json"))
