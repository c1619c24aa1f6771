import { problemResponse } from "../../shared/openapi.ts";

/** The 401 every checkout route can answer. */
export const authErrors = {
  401: problemResponse("Missing or invalid access token"),
};
