/** The HTTP API (api.md): express, JSON only, every error in the shape of api.md. */
import express, { type RequestHandler } from 'express';
import { authenticateStaff } from './auth';
import type { ApiDependencies } from './dependencies';
import { ApiError, errorHandler, unknownRoute } from './errors';
import { agentRoutes } from './routes/agents';
import { healthRoutes } from './routes/health';
import { requestRoutes } from './routes/requests';
import { tokenRoutes } from './routes/tokens';

/** Bodies are JSON: anything else is `415`, before a byte is parsed. */
const jsonBodiesOnly: RequestHandler = (req, _res, next) => {
  const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (hasBody && !req.is('application/json')) {
    throw new ApiError(415, 'unsupported_media_type', 'send the body as application/json');
  }
  next();
};

export function createApp(deps: ApiDependencies): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(healthRoutes(deps));

  const api = express.Router();
  api.use(jsonBodiesOnly, express.json({ limit: '64kb', strict: true }));
  api.use(authenticateStaff(deps.db));
  api.use('/requests', requestRoutes(deps));
  api.use('/agents', agentRoutes(deps));
  api.use('/tokens', tokenRoutes(deps));
  app.use('/api', api);

  app.use(unknownRoute);
  app.use(errorHandler(deps.logger));
  return app;
}
